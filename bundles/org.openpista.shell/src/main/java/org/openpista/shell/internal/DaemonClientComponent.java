package org.openpista.shell.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The admin socket of this home from the other side, for commands that show or change a running
 * daemon ({@code openpista telegram status}): the same frames {@link AdminSocketServer} serves. The
 * daemon's PID comes from {@code openpista.pid}; a PID file whose process is gone means no daemon.
 */
@Component(service = DaemonClient.class)
public final class DaemonClientComponent implements DaemonClient {

    private final Path home;

    @Activate
    public DaemonClientComponent(BundleContext context) {
        this(ConfigurationLoader.home(context));
    }

    DaemonClientComponent(Path home) {
        this.home = home;
    }

    @Override
    public OptionalLong running() {
        try {
            String text = Files.readString(home.resolve("openpista.pid")).strip();
            long pid = Long.parseLong(text);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() && answers() ? OptionalLong.of(pid)
                    : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String execute(String commandLine) throws IOException {
        try (SocketChannel channel = connect()) {
            Frames.write(channel, Frames.COMMAND, commandLine);
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                Frames.Frame frame = Frames.read(channel, Frames.MAX_ANSWER);
                if (frame == null) {
                    throw new IOException("the daemon closed the connection before the command finished");
                }
                switch (frame.type()) {
                    case Frames.OUT -> out.append(frame.text());
                    case Frames.ERR -> err.append(frame.text());
                    case Frames.STATUS -> {
                        if (!frame.text().strip().equals("0")) {
                            throw new IOException(err.toString().strip().isEmpty() ? "the command failed (exit status "
                                    + frame.text().strip() + ")" : err.toString().strip());
                        }
                        return out.toString();
                    }
                    default -> throw new IOException("unexpected frame from the daemon");
                }
            }
        }
    }

    private boolean answers() {
        try (SocketChannel channel = connect()) {
            return channel.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private SocketChannel connect() throws IOException {
        Path socket = home.resolve("admin.sock");
        if (!Files.exists(socket)) {
            throw new IOException("no daemon is running for " + home + " (no " + socket + ")");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("no daemon answers on " + socket, e);
        }
    }
}
