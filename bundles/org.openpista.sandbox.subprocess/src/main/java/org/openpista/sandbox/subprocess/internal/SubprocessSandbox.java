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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxIsolation;
import org.openpista.api.sandbox.SandboxPaths;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code subprocess} sandbox: runs a command as a child process of the daemon, inside
 * bubblewrap where it works ({@link Bubblewrap}: own PID namespace and {@code /proc}, the system
 * read-only and nothing else of the file system, no network unless allowed); where it does not,
 * on the host with only what can be kept without privileges ({@code bubblewrap = "require"}
 * refuses to run then, {@code "off"} never uses it). {@link #isolation()} says which. Always:
 *
 * <ul>
 *   <li>an environment built from an allow-list ({@code PATH}, {@code LANG}, {@code LC_*}, {@code
 *       TZ}, {@code TERM}, {@code USER}, {@code LOGNAME} of the daemon, {@code HOME} and {@code
 *       TMPDIR} pointing at a private folder, {@code WORKSPACE}, plus the request's own
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
@SettingsSection(value = "skills", pid = SubprocessSandbox.PID, keys = "bubblewrap")
public final class SubprocessSandbox implements Sandbox, SandboxIsolation {

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

        @AttributeDefinition(
                name = "Bubblewrap",
                description = "auto: run skills inside bubblewrap (own PID namespace and /proc, read-only system, no network"
                        + " unless allowed) where it works, else on the host; require: refuse to run without it; off: always"
                        + " on the host.",
                options = {
                    @Option(label = "auto", value = "auto"),
                    @Option(label = "require", value = "require"),
                    @Option(label = "off", value = "off")
                })
        String bubblewrap() default "auto";
    }

    /** What a run gets when bubblewrap is not used. */
    static final String HOST = "host (no isolation)";

    private final String searchPath;
    private final Map<String, String> passed;
    private final long drainMillis;
    private final String mode;
    private final Bubblewrap bubblewrap;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean warned;

    @Activate
    public SubprocessSandbox(Config config) {
        this(config, System.getenv());
    }

    /** @param daemonEnvironment the daemon's environment; only the allow-list is read from it */
    SubprocessSandbox(Config config, Map<String, String> daemonEnvironment) {
        String configured = config.path() == null ? "" : config.path().strip();
        String inherited = daemonEnvironment.get("PATH");
        this.searchPath = !configured.isEmpty() ? configured
                : inherited == null || inherited.isBlank() ? FALLBACK_PATH : inherited;
        this.passed = allowed(daemonEnvironment);
        this.drainMillis = Math.max(100, config.drain_millis());
        String chosen = config.bubblewrap() == null ? "auto" : config.bubblewrap().strip().toLowerCase(Locale.ROOT);
        this.mode = List.of("require", "off").contains(chosen) ? chosen : "auto";
        this.bubblewrap = Bubblewrap.find(searchPath);
    }

    /** @return the daemon's variables on the allow-list that are set: LANG, LC_*, TZ, TERM, USER, LOGNAME */
    static Map<String, String> allowed(Map<String, String> daemon) {
        Map<String, String> kept = new TreeMap<>();
        daemon.forEach((name, value) -> {
            if (name != null && value != null && (name.equals("LANG") || name.startsWith("LC_") || name.equals("TZ")
                    || name.equals("TERM") || name.equals("USER") || name.equals("LOGNAME"))) {
                kept.put(name, value);
            }
        });
        kept.putIfAbsent("LANG", "C.UTF-8");
        return kept;
    }

    @Override
    public String isolation() throws SandboxUnavailableException {
        return useBubblewrap() ? "bubblewrap" : HOST;
    }

    /** @return whether runs go into bubblewrap; throws when it is required and cannot be used */
    private boolean useBubblewrap() throws SandboxUnavailableException {
        if (mode.equals("off")) {
            return false;
        }
        String why = bubblewrap.unavailable(Bubblewrap.visiblePath(searchPath));
        if (why == null) {
            return true;
        }
        if (mode.equals("require")) {
            throw new SandboxUnavailableException("bubblewrap is required ([skills] bubblewrap = \"require\") but " + why, null);
        }
        if (!warned) {
            warned = true;
            LOG.warn("subprocess sandbox: {}; skills run on the host without isolation (apt-get install bubblewrap)", why);
        }
        return false;
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
        boolean isolated = useBubblewrap();
        String path = isolated ? Bubblewrap.visiblePath(searchPath) : searchPath;
        String program = request.command().get(0);
        if (!program.contains("/")) {
            Path found = findExecutable(program, path);
            if (found == null) {
                throw new SandboxException(program + " was not found on the sandbox's PATH (" + path + ")", null);
            }
            program = found.toString();
        }
        List<String> target = new ArrayList<>();
        target.add(program);
        target.addAll(request.command().subList(1, request.command().size()));
        List<String> command = new ArrayList<>();
        Path setsid = findExecutable("setsid", searchPath);
        if (setsid != null) {
            command.add(setsid.toString());
        }
        command.addAll(isolated
                ? bubblewrap.command(target, workspace, cwd, tmp, request.limits().network())
                : target);

        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(request, workspace, tmp, path));

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

    /** @return the child's whole environment: nothing of the daemon's but the allow-list */
    Map<String, String> environment(SandboxRequest request, Path workspace, Path tmp, String path) {
        Map<String, String> env = new LinkedHashMap<>(passed);
        env.put("PATH", path);
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
