package org.openpista.tool.browser.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openpista.tool.browser.internal.cdp.CdpConnection;
import org.openpista.tool.browser.internal.cdp.PipeTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Chromium this bundle started, connected over {@code --remote-debugging-pipe}.
 *
 * <p>It runs in a session and process group of its own ({@code setsid}): a Ctrl-C on the daemon's
 * terminal does not reach it (the daemon closes it in order), and every process it forks can be
 * found and killed by its group even after the browser process itself died. Its standard error
 * goes to {@code chromium.log} in the browser folder, so a failed start can say why.
 */
final class ChromiumProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChromiumProcess.class);
    private static final String LAUNCH = "exec %s\"$0\" \"$@\" 3<&0 4>&1 0</dev/null 1>&2";

    private final Process process;
    private final boolean ownGroup;
    private final Path log;
    private final Path temporaryProfile;
    private final CdpConnection connection;

    private ChromiumProcess(Process process, boolean ownGroup, Path log, Path temporaryProfile) throws IOException {
        this.process = process;
        this.ownGroup = ownGroup;
        this.log = log;
        this.temporaryProfile = temporaryProfile;
        this.connection = CdpConnection.open(receiver -> new PipeTransport(
                process.getOutputStream(), process.getInputStream(), receiver, "openpista-chromium-" + process.pid()));
    }

    /**
     * Starts Chromium.
     *
     * @param executable the browser's executable
     * @param arguments its switches, without the pipe and profile ones
     * @param profile the profile to use, or {@code null} for a temporary one (deleted when it ends)
     * @param environment the variables it gets
     * @throws IOException when it cannot be started
     */
    static ChromiumProcess start(Path executable, List<String> arguments, Path profile, Path browserDir,
            Map<String, String> environment) throws IOException {
        Files.createDirectories(browserDir);
        Path temporary = profile == null ? Files.createTempDirectory(browserDir, "profile-") : null;
        Path used = profile == null ? temporary : profile;
        Files.createDirectories(used);
        Path setsid = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                LAUNCH.formatted(setsid == null ? "" : "'" + setsid + "' "), executable.toString()));
        command.add("--remote-debugging-pipe");
        command.add("--user-data-dir=" + used);
        command.addAll(arguments);
        command.add("about:blank");
        Path log = browserDir.resolve("chromium.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(browserDir.toFile())
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        LOG.info("Chromium started (pid {}, profile {})", process.pid(), used);
        return new ChromiumProcess(process, setsid != null, log, temporary);
    }

    /** @return the connection over the pipe */
    CdpConnection connection() {
        return connection;
    }

    /** @return the browser process's id */
    long pid() {
        return process.pid();
    }

    /** @return whether the browser process runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return how it ended, for example {@code exit status 1} or {@code killed by signal 9}, once it did */
    Optional<String> ending() {
        if (process.isAlive()) {
            return Optional.empty();
        }
        int status = process.exitValue();
        return Optional.of(status > 128 && status < 160 ? "killed by signal " + (status - 128) : "exit status " + status);
    }

    /** Waits up to the given time for the browser process to end. */
    boolean waitFor(Duration time) {
        try {
            return process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the last lines Chromium wrote to standard error, joined, at most 300 characters */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            String joined = String.join(" | ", tail).strip();
            return joined.length() <= 300 ? joined : joined.substring(joined.length() - 300);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Ends the browser: closes the pipe (Chromium quits when it reads its end), waits up to {@code
     * grace}, then kills every process of its group, and deletes a temporary profile.
     */
    void stop(Duration grace) {
        connection.close();
        if (!waitFor(grace)) {
            LOG.info("Chromium (pid {}) did not quit within {} ms; killing it", process.pid(), grace.toMillis());
        }
        killGroup();
        if (temporaryProfile != null) {
            deleteTree(temporaryProfile);
        }
    }

    /** Kills what is left of the browser's processes; harmless when none is. */
    void killGroup() {
        List<ProcessHandle> left = new ArrayList<>(ownGroup ? group(process.pid()) : List.of());
        process.descendants().forEach(left::add);
        left.add(process.toHandle());
        for (ProcessHandle handle : left) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        waitFor(Duration.ofSeconds(2));
    }

    /** @return the living processes of a process group, read from /proc (Linux) */
    static List<ProcessHandle> group(long pgid) {
        List<ProcessHandle> members = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : proc) {
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(fields[2]) == pgid && !"Z".equals(fields[0])) {
                        ProcessHandle.of(Long.parseLong(entry.getFileName().toString())).ifPresent(members::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            // no /proc: not Linux; the descendants are all we know
        }
        return members;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.debug("cannot delete the temporary profile {}: {}", root, e.getMessage());
        }
    }
}
