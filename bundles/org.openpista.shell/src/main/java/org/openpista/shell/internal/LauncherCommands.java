package org.openpista.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openpista.api.admin.ServedCommand;
import org.openpista.api.admin.wire.Frames;

/**
 * The launcher's commands that only talk to this daemon, served here when the launcher sends them in
 * a {@link Frames#CLI} frame ({@code DaemonCommand}), so they start no framework of their own. This
 * bundle serves {@code openpista shell -c COMMAND} (the Gogo command, as the shell command would
 * send it); any other command goes to the {@link ServedCommand} its bundle registered for its name
 * ({@code openpista stop}: the daemon bundle's). Only the plain forms of {@code shell -c} are served;
 * anything else ({@code --help}, a command no bundle serves here, one its service declines) is
 * declined, nothing has run, and the launcher runs the command as ever, with its own messages.
 */
final class LauncherCommands {

    private LauncherCommands() {}

    /**
     * @param args the command's arguments after the global options
     * @return the Gogo command line for {@code shell -c}, or empty for any other command
     */
    static Optional<String> gogo(List<String> args) {
        if (args.size() == 3 && args.get(0).equals("shell") && (args.get(1).equals("-c") || args.get(1).equals("--command"))
                && !args.get(2).startsWith("-")) {
            return Optional.of(args.get(2));
        }
        if (args.size() == 2 && args.get(0).equals("shell") && args.get(1).startsWith("--command=")) {
            return Optional.of(args.get(1).substring("--command=".length()));
        }
        return Optional.empty();
    }

    /**
     * @param args the command's arguments after the global options
     * @param services the service registered for a command's name, if any
     * @return what the command's service made of it, or why it was declined
     */
    static ServedCommand.Served serve(List<String> args, Function<String, Optional<ServedCommand>> services) {
        if (args.isEmpty()) {
            return new ServedCommand.Declined("no command");
        }
        String name = args.get(0);
        Optional<ServedCommand> service = services.apply(name);
        if (service.isEmpty()) {
            return new ServedCommand.Declined("no bundle serves '" + name + "' in the daemon");
        }
        ServedCommand.Served served;
        try {
            served = service.get().serve(List.copyOf(args.subList(1, args.size())));
        } catch (RuntimeException e) {
            return new ServedCommand.Declined("'" + name + "' failed in the daemon: " + e);
        }
        return served == null ? new ServedCommand.Declined("'" + name + "' answered nothing") : served;
    }
}
