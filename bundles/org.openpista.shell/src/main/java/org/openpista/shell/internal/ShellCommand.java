package org.openpista.shell.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista shell [-c COMMAND]}: the Gogo console of the running daemon, over its admin
 * socket. A command's output is copied as it arrives, so a long {@code openpista:send} shows its
 * answer when it comes.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=shell", scope = ServiceScope.PROTOTYPE)
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Attaches a Gogo console to the running daemon through HOME/admin.sock. Commands in scope openpista: "
                + "status, sessions, history SESSION, providers, tools, channels, plugins, cron, model [NAME], reload, "
                + "send SESSION \"MESSAGE\", shutdown; and Felix's own: lb, start, stop, inspect, headers, help.",
            "",
            "With -c it runs one command, prints its output and exits with its status (0 ok, 1 the command failed); "
                    + "without a running daemon it says so and exits with 1."})
public final class ShellCommand implements CliCommand, Callable<Integer> {

    /** Exit status when the daemon went away before the command finished. */
    static final int CONNECTION_LOST = 3;

    private final Path home;

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND", description = "Run this command and exit, e.g. "
            + "\"openpista:tools\".")
    String command;

    @Activate
    public ShellCommand(BundleContext context) {
        this.home = ConfigurationLoader.home(context);
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Path socket = home.resolve("admin.sock");
        SocketChannel channel = connect(socket);
        if (channel == null) {
            err.println("openpista: no daemon is running for " + home + " (nothing answers on " + socket
                    + "); start one with 'openpista start'");
            return 1;
        }
        try (channel) {
            if (command != null) {
                return execute(channel, command, out, err);
            }
            return interactive(channel, out, err);
        }
    }

    private static int interactive(SocketChannel channel, PrintStream out, PrintStream err) throws IOException {
        boolean terminal = System.console() != null;
        if (terminal) {
            out.println("openpista admin shell (Gogo). Try: openpista:status, openpista:tools, lb, help. Exit: Ctrl-D or exit.");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int status = 0;
        while (true) {
            if (terminal) {
                out.print("openpista> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
                return status;
            }
            if (!line.isBlank()) {
                status = execute(channel, line, out, err);
                if (status == CONNECTION_LOST) {
                    return status;
                }
            }
        }
    }

    /** Runs one command line, copying its output as it arrives. @return its exit status */
    static int execute(SocketChannel channel, String commandLine, PrintStream out, PrintStream err) {
        try {
            Frames.write(channel, Frames.COMMAND, commandLine);
            while (true) {
                Frames.Frame frame = Frames.read(channel, Frames.MAX_ANSWER);
                if (frame == null) {
                    throw new IOException("closed");
                }
                if (frame.copyOutput(out, err)) {
                    continue;
                }
                if (frame.type() != Frames.STATUS) {
                    throw new IOException("unexpected frame type " + (char) frame.type());
                }
                return Integer.parseInt(frame.text().strip());
            }
        } catch (IOException | NumberFormatException e) {
            err.println("openpista: the daemon closed the connection before the command finished (it may be shutting down)");
            return CONNECTION_LOST;
        }
    }

    private static SocketChannel connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return null;
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            return null;
        }
    }
}
