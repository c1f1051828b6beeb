package org.openpista.tool.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;

/**
 * Runs a helper program ({@code xclip}, {@code notify-send}, {@code tesseract}, {@code grim} …) with
 * bytes on its stdin, reads its stdout and stderr (each up to a cap), and kills it with everything it
 * started when the call's time is up or the turn is cancelled. Helpers get an allow-list of the
 * daemon's environment: what finds programs, languages and the desktop session, and the variables
 * a tool names for its helpers ({@code TESSDATA_PREFIX}), never a key.
 *
 * <p>Clipboard writers ({@code xclip -i}, {@code xsel -i}, {@code wl-copy}) fork a child that keeps
 * serving the clipboard until another program takes it; that child inherits stdout and stderr, so
 * for them ({@code forks}) stdout is discarded and stderr goes to a private temporary file: a pipe
 * would not reach its end until the clipboard changes hands.
 */
public final class ChildProcess {

    /**
     * How a helper ended.
     *
     * @param stopped why the helper was stopped (time, cancellation, too much output), null when it ended by itself
     */
    public record Outcome(int exitCode, byte[] stdout, String stderr, String stopped) {
        /** @return stderr's first non-blank line, or the exit code */
        public String problem() {
            return stderr.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
                    .orElse("exit code " + exitCode);
        }

        /** @return stdout as UTF-8 text */
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** The variables every helper gets, besides {@code LC_*} and those its tool names. */
    public static final List<String> PASSED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR",
            "DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR");

    private static final int STDERR_CAP = 16 * 1024;

    private ChildProcess() {}

    /**
     * The daemon's environment as the tools read it: the process's own, and the variables the tools
     * use that the start script hands over outside it ({@code XAUTHORITY} among them), each asked for
     * by name ({@link ConfigurationLoader#getenv}), which finds them however they were handed over.
     *
     * @param handedOver the variables besides {@code XAUTHORITY} the tool's helpers use
     */
    public static Map<String, String> daemonEnvironment(BundleContext context, String... handedOver) {
        Map<String, String> environment = new HashMap<>(ConfigurationLoader.environment(context));
        List<String> names = new ArrayList<>(List.of("XAUTHORITY"));
        names.addAll(List.of(handedOver));
        for (String name : names) {
            String value = ConfigurationLoader.getenv(context, name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        return environment;
    }

    /**
     * @param alsoPassed the variables besides {@link #PASSED} the tool's helpers get
     * @return the allow-listed part of an environment ({@link #PASSED}, {@code alsoPassed} and {@code LC_*})
     */
    public static Map<String, String> environment(Map<String, String> daemon, String... alsoPassed) {
        List<String> passed = List.of(alsoPassed);
        Map<String, String> child = new TreeMap<>();
        daemon.forEach((name, value) -> {
            if (PASSED.contains(name) || passed.contains(name) || name.startsWith("LC_")) {
                child.put(name, value);
            }
        });
        return child;
    }

    /** Runs a program that leaves nothing running behind it: {@link #run(List, Map, byte[], Duration, Cancellation, int, boolean)}. */
    public static Outcome run(List<String> command, Map<String, String> environment, byte[] stdin, Duration timeout,
            Cancellation cancellation, int maxStdout) throws IOException {
        return run(command, environment, stdin, timeout, cancellation, maxStdout, false);
    }

    /**
     * @param stdin what the program reads, {@code null} for nothing
     * @param maxStdout the most bytes of stdout kept; a program writing more is killed
     * @param forks whether the program leaves a child running that keeps its output open
     */
    public static Outcome run(List<String> command, Map<String, String> environment, byte[] stdin, Duration timeout,
            Cancellation cancellation, int maxStdout, boolean forks) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.PIPE);
        Path errorFile = null;
        if (forks) {
            errorFile = Files.createTempFile("openpista-helper", ".err");
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errorFile.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            if (errorFile != null) {
                Files.deleteIfExists(errorFile);
            }
            throw e;
        }
        Runnable kill = () -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        };
        try (Watchdog watchdog = new Watchdog(cancellation, timeout, kill)) {
            Thread feeder = null;
            if (stdin != null) {
                feeder = daemon("stdin of " + command.get(0), () -> {
                    try (OutputStream in = process.getOutputStream()) {
                        in.write(stdin);
                    } catch (IOException e) {
                        // the program closed its input early; its exit status says what went wrong
                    }
                });
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean overflow = false;
            if (!forks) {
                Thread errors = daemon("stderr of " + command.get(0),
                        () -> drain(process.getErrorStream(), err, STDERR_CAP, null));
                overflow = drain(process.getInputStream(), out, maxStdout, kill);
                process.waitFor();
                errors.join(TimeUnit.SECONDS.toMillis(5));
            } else {
                process.waitFor();
            }
            if (feeder != null) {
                feeder.join(TimeUnit.SECONDS.toMillis(5));
            }
            String stopped = watchdog.reason();
            if (stopped == null && overflow) {
                stopped = "its output was longer than " + maxStdout + " bytes";
            }
            String stderr;
            if (errorFile != null) {
                byte[] bytes = Files.readAllBytes(errorFile);
                stderr = new String(bytes, 0, Math.min(bytes.length, STDERR_CAP), StandardCharsets.UTF_8);
            } else {
                synchronized (err) {
                    stderr = err.toString(StandardCharsets.UTF_8);
                }
            }
            return new Outcome(process.exitValue(), out.toByteArray(), stderr, stopped);
        } catch (InterruptedException e) {
            kill.run();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran");
        } finally {
            if (errorFile != null) {
                Files.deleteIfExists(errorFile);
            }
        }
    }

    /** @return the first executable file called {@code name} in the folders of {@code PATH} */
    public static Path find(String name, Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String folder : path.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry: skipped, as the shell does
            }
        }
        return null;
    }

    /** @return whether more than {@code cap} bytes came (then {@code overflow} ran, if given) */
    private static boolean drain(InputStream in, ByteArrayOutputStream sink, int cap, Runnable overflow) {
        byte[] buffer = new byte[64 * 1024];
        boolean over = false;
        try (in) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                synchronized (sink) {
                    int keep = Math.max(0, Math.min(read, cap - sink.size()));
                    sink.write(buffer, 0, keep);
                    if (keep < read && !over) {
                        over = true;
                        if (overflow != null) {
                            overflow.run();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read so far is kept
        }
        return over;
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
