package org.openpista.sandbox.subprocess.internal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxPaths;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code subprocess} sandbox: runs a command as a child process of the daemon. It is the
 * lightest sandbox and the weakest: the child runs as the daemon's user and can reach the network,
 * so it only keeps what it can keep without privileges:
 *
 * <ul>
 *   <li>a minimal environment built from scratch ({@code PATH}, {@code LANG}, {@code HOME} and
 *       {@code TMPDIR} pointing at private folders, {@code WORKSPACE}, plus the request's own
 *       variables), so none of the daemon's API keys or tokens reach the child;
 *   <li>the working directory in the workspace: the workspace itself, or a fresh folder inside it
 *       when the request brings files, removed afterwards;
 *   <li>the time limit: the child leads its own session ({@code setsid}), and on timeout,
 *       cancellation or shutdown the whole process group and every descendant is killed;
 *   <li>stdout and stderr each capped at the request's output limit while they are read.
 * </ul>
 */
@Component(
        service = Sandbox.class,
        property = Sandbox.TYPE + "=" + SubprocessSandbox.TYPE,
        configurationPid = SubprocessSandbox.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SubprocessSandbox.Config.class)
public final class SubprocessSandbox implements Sandbox {

    /** The sandbox type. */
    static final String TYPE = "subprocess";
    /** The configuration PID. */
    static final String PID = "org.openpista.sandbox.subprocess";

    private static final Logger LOG = LoggerFactory.getLogger(SubprocessSandbox.class);
    private static final String FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** Folder inside the workspace for the working directories of runs that bring files. */
    static final String RUNS = ".openpista-runs";

    /** Configuration of the subprocess sandbox. */
    @ObjectClassDefinition(
            name = "openpista subprocess sandbox",
            description = "Child processes with a minimal environment, a timeout and capped output.")
    public @interface Config {
        @AttributeDefinition(
                name = "Search path",
                description = "PATH of the child processes; empty: the daemon's PATH without anything else of its environment.")
        String path() default "";

        @AttributeDefinition(
                name = "Drain grace (ms)",
                description = "How long output may still flow after the command exited before leftover background processes are killed.")
        long drain_millis() default 2000;
    }

    private final String searchPath;
    private final String lang;
    private final long drainMillis;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    @Activate
    public SubprocessSandbox(Config config) {
        this(config, System.getenv());
    }

    /** @param daemonEnvironment the daemon's environment; only PATH and LANG are read from it */
    SubprocessSandbox(Config config, Map<String, String> daemonEnvironment) {
        String configured = config.path() == null ? "" : config.path().strip();
        String inherited = daemonEnvironment.get("PATH");
        this.searchPath = !configured.isEmpty() ? configured
                : inherited == null || inherited.isBlank() ? FALLBACK_PATH : inherited;
        String daemonLang = daemonEnvironment.get("LANG");
        this.lang = daemonLang == null || daemonLang.isBlank() ? "C.UTF-8" : daemonLang;
        this.drainMillis = Math.max(100, config.drain_millis());
    }

    @Deactivate
    void deactivate() {
        closed = true;
        for (Process process : running) {
            killGroup(process);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxException("the subprocess sandbox is shutting down", null);
        }
        Path workspace = request.workspace() == null
                ? Path.of(System.getProperty("java.io.tmpdir"))
                : request.workspace().toAbsolutePath().normalize();
        Path runDir = null;
        Path tmp = null;
        try {
            Files.createDirectories(workspace);
            Path cwd = workspace;
            if (!request.files().isEmpty()) {
                runDir = workspace.resolve(RUNS).resolve(UUID.randomUUID().toString());
                Files.createDirectories(runDir);
                placeFiles(runDir, request.files());
                cwd = runDir;
            }
            tmp = Files.createTempDirectory("openpista-sbx-");
            return execute(request, workspace, cwd, tmp);
        } catch (IOException e) {
            throw new SandboxException("cannot prepare the subprocess sandbox: " + e.getMessage(), e);
        } finally {
            deleteTree(runDir);
            deleteTree(tmp);
        }
    }

    private SandboxResult execute(SandboxRequest request, Path workspace, Path cwd, Path tmp)
            throws SandboxException, InterruptedException {
        List<String> command = new ArrayList<>();
        Path setsid = findExecutable("setsid", searchPath);
        if (setsid != null) {
            command.add(setsid.toString());
        }
        String program = request.command().get(0);
        if (!program.contains("/")) {
            Path found = findExecutable(program, searchPath);
            if (found == null) {
                throw new SandboxException(program + " was not found on the sandbox's PATH (" + searchPath + ")", null);
            }
            program = found.toString();
        }
        command.add(program);
        command.addAll(request.command().subList(1, request.command().size()));

        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(request, workspace, tmp));

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SandboxException("cannot start " + request.command().get(0) + ": " + e.getMessage(), e);
        }
        running.add(process);
        try {
            int cap = request.limits().outputLimitChars();
            BoundedOutput stdout = new BoundedOutput(process.getInputStream(), cap).start("sandbox-" + process.pid() + "-out");
            BoundedOutput stderr = new BoundedOutput(process.getErrorStream(), cap).start("sandbox-" + process.pid() + "-err");
            feed(process, request.input());
            boolean exited;
            try {
                exited = process.waitFor(request.limits().timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killGroup(process);
                throw e;
            }
            if (!exited) {
                LOG.info("subprocess sandbox: pid {} ran out of its {} s; killing its process group",
                        process.pid(), request.limits().timeout().toSeconds());
                killGroup(process);
            }
            // background jobs may keep the pipes open after the command exited: give them a moment, then kill them
            if (!stdout.awaitEnd(drainMillis) || !stderr.awaitEnd(drainMillis)) {
                killGroup(process);
                stdout.awaitEnd(1000);
                stderr.awaitEnd(1000);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            process.waitFor(2, TimeUnit.SECONDS);
            int code = exited && !process.isAlive() ? process.exitValue() : -1;
            String reason = exited ? "" : "time limit of " + request.limits().timeout().toSeconds() + " s";
            return new SandboxResult(code, stdout.text(), stderr.text(), !exited, reason, elapsed);
        } finally {
            running.remove(process);
            if (process.isAlive()) {
                killGroup(process);
            }
        }
    }

    /** @return the child's whole environment: nothing of the daemon's but PATH and LANG */
    Map<String, String> environment(SandboxRequest request, Path workspace, Path tmp) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", searchPath);
        env.put("LANG", lang);
        env.put("HOME", tmp.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("WORKSPACE", workspace.toString());
        env.putAll(request.environment());
        return env;
    }

    private static void feed(Process process, String input) {
        Thread writer = new Thread(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the child does not read its input, or exited: nothing to do
            }
        }, "sandbox-" + process.pid() + "-in");
        writer.setDaemon(true);
        writer.start();
    }

    private static void placeFiles(Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target;
            try {
                target = SandboxPaths.inside(dir, file.getKey());
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(dir.toRealPath())) {
                throw new IOException("file path " + SandboxPaths.quote(file.getKey()) + " leaves the sandbox folder");
            }
            Files.write(target, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** SIGKILL to the child's process group (it leads one under setsid) and to every descendant. */
    private void killGroup(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        try {
            process.descendants().forEach(tree::add);
        } catch (RuntimeException e) {
            // the process table changed under us; the group kill below still reaches them
        }
        Path kill = findExecutable("kill", searchPath);
        if (kill != null) {
            try {
                Process killer = new ProcessBuilder(kill.toString(), "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                killer.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOG.debug("cannot run kill for the group of {}", process.pid(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    static Path findExecutable(String name, String searchPath) {
        for (String folder : searchPath.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry: skip it like the shell does
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
