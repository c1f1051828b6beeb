package org.openpista.logging.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpista logs [-f] [--level L] [--session S] [-n N]}: the last lines of the daemon's log
 * ({@code logs/openpista.0.log}), text or JSON lines alike, filtered by level and (JSON lines only)
 * by session; {@code -f} keeps printing what is added, across rotations, until interrupted.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=logs", scope = ServiceScope.PROTOTYPE)
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"The daemon's log (HOME/logs/openpista.0.log): the last lines, filtered by level and session.",
            "--session needs [log] format = \"json\" (text lines carry no session)."})
public final class LogsCommand implements CliCommand, Callable<Integer> {

    private final Path log;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--level", paramLabel = "LEVEL", description = "The lowest level shown: trace, debug, info, warn, error.")
    String level;

    @Option(names = "--session", paramLabel = "SESSION", description = "Only lines logged during turns of this session.")
    String session;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100",
            description = "How many of the last matching lines to show first. Default: ${DEFAULT-VALUE}.")
    int lines;

    @Activate
    public LogsCommand(BundleContext context) {
        this(ConfigurationLoader.home(context).resolve("logs").resolve("openpista.0.log"));
    }

    LogsCommand(Path log) {
        this.log = log;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        LogFilter filter;
        try {
            filter = new LogFilter(level == null ? null : level.toLowerCase(Locale.ROOT), session);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("openpista logs: " + e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(log)) {
            if (!follow) {
                spec.commandLine().getErr().println("openpista logs: no log yet at " + log
                        + " (the daemon writes it: openpista start)");
                return 1;
            }
        }
        long position = Files.isRegularFile(log) ? printLast(filter, out) : 0;
        out.flush();
        if (follow) {
            follow(filter, out, position, () -> !Thread.currentThread().isInterrupted(), 500);
        }
        return 0;
    }

    private long printLast(LogFilter filter, PrintWriter out) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            String shown = filter.show(line);
            if (shown != null) {
                last.addLast(shown);
                if (last.size() > Math.max(0, lines)) {
                    last.removeFirst();
                }
            }
        }
        last.forEach(out::println);
        return bytes.length;
    }

    /** Prints the lines added after {@code position}; starts over when the file shrinks (rotated). */
    void follow(LogFilter filter, PrintWriter out, long position, BooleanSupplier going, long pollMillis)
            throws IOException, InterruptedException {
        long read = position;
        StringBuilder partial = new StringBuilder();
        while (going.getAsBoolean()) {
            if (Files.isRegularFile(log)) {
                long size = Files.size(log);
                if (size < read) {
                    read = 0;
                    partial.setLength(0);
                }
                if (size > read) {
                    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                        file.seek(read);
                        byte[] added = new byte[(int) Math.min(size - read, 1 << 20)];
                        file.readFully(added);
                        read += added.length;
                        partial.append(new String(added, StandardCharsets.UTF_8));
                    }
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        String shown = filter.show(partial.substring(0, newline));
                        partial.delete(0, newline + 1);
                        if (shown != null) {
                            out.println(shown);
                        }
                    }
                    out.flush();
                }
            }
            Thread.sleep(pollMillis);
        }
    }
}
