package org.openpista.shell.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The channels of the daemon: {@code openpista:channels} lists them with their state; {@code
 * openpista:ready} prints what they have to tell their owner once they run (the web chat's URL with
 * its token), which is how {@code openpista start} shows those lines without writing them to a file.
 * The admin socket is reachable by the owner only.
 */
@Component(service = ChannelCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=channels",
    "osgi.command.function=ready"
})
public class ChannelCommands {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ChannelAdapter> channelAdapters = List.of();

    @Descriptor("list the channels (web, telegram, ...) with their state")
    public String channels() {
        Table table = new Table("CHANNEL", "STATE", "BUNDLE");
        for (ChannelAdapter adapter : channelAdapters) {
            try {
                table.row(adapter.id(), adapter.status(), Describe.bundleOf(adapter));
            } catch (RuntimeException | LinkageError e) {
                table.row("?", "failing: " + e.getMessage(), Describe.bundleOf(adapter));
            }
        }
        return table.isEmpty() ? "no channels running\n" : table.toString();
    }

    @Descriptor("print what the running channels have to tell their owner, such as the web chat's address with its token")
    public String ready() {
        StringBuilder lines = new StringBuilder();
        for (ChannelAdapter adapter : channelAdapters) {
            try {
                adapter.readyLines().forEach(line -> lines.append(line).append('\n'));
            } catch (RuntimeException | LinkageError e) {
                // a channel that is failing has nothing to say here; openpista:channels shows why
            }
        }
        return lines.toString();
    }
}
