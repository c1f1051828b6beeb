package org.openpista.skills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one skill call: checks the arguments, builds the sandbox request for the skill's mode,
 * runs it in the sandbox of that type and turns the outcome into a tool result. A non-zero exit,
 * a timeout or a kill is an error result carrying stderr.
 *
 * <p>What a skill gets, in every mode: the arguments as a JSON object on standard input (for wasm:
 * in module memory, see the wasm sandbox), the same JSON in {@code SKILL_ARGS}, its name in
 * {@code SKILL_NAME}, its folder in {@code SKILL_DIR} and the workspace in {@code WORKSPACE}
 * (read-only in docker and wasm).
 *
 * <p>A skill runs in the sandbox its mode names or not at all: when a docker skill cannot reach
 * Docker the call is refused, and only {@code [skills] allow_host_fallback = true} lets it run in
 * the subprocess sandbox instead, with a warning in its result ({@code require_docker = true}
 * refuses even then). A skill once ran on the host as root with network, under the same approval
 * prompt, because Docker happened to be down.
 *
 * <p>The environment of a run is an allow-list: the variables above plus the daemon's variables
 * that {@code [skills] pass_env} names; the sandboxes add only their own ({@code PATH}, {@code
 * HOME}, ...). Nothing else of the daemon's environment reaches a skill.
 */
final class SkillRunner {

    /** How long a run whose sandbox was swapped under it waits for the new version of the sandbox. */
    static final Duration SWAP_WAIT = Duration.ofSeconds(30);

    /** Where the docker sandbox places a request's files: its working directory. */
    static final String CONTAINER_DIR = "/sandbox";
    static final long MAX_DOCKER_FILES_BYTES = 16L * 1024 * 1024;
    static final int MAX_DOCKER_FILES = 500;

    private static final Logger LOG = LoggerFactory.getLogger(SkillRunner.class);

    /**
     * @param workspace the workspace
     * @param requireDocker refuse docker skills when Docker is unavailable, whatever else is set
     * @param allowHostFallback run docker skills in the subprocess sandbox when Docker is unavailable
     * @param outputLimit characters kept of stdout and stderr each
     * @param memoryBytes memory limit of docker runs
     * @param passed the daemon's variables that {@code pass_env} names, passed to every skill
     */
    record Settings(Path workspace, boolean requireDocker, boolean allowHostFallback, int outputLimit, long memoryBytes,
            Map<String, String> passed) {
        Settings {
            passed = Map.copyOf(passed);
        }

        /** @return whether a docker skill may run in the subprocess sandbox when Docker is unavailable */
        boolean fallsBack() {
            return allowHostFallback && !requireDocker;
        }
    }

    private final Settings settings;
    private final SandboxLookup sandboxes;
    private final ObjectMapper mapper;

    SkillRunner(Settings settings, SandboxLookup sandboxes, ObjectMapper mapper) {
        this.settings = settings;
        this.sandboxes = sandboxes;
        this.mapper = mapper;
    }

    Settings settings() {
        return settings;
    }

    ToolResult run(Skill skill, String arguments, ToolContext context) {
        JsonNode args;
        try {
            args = Arguments.check(arguments, skill.argumentsSchema(), mapper);
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments for " + skill.toolName() + ": " + e.getMessage());
        }
        Duration timeout = Duration.ofSeconds(skill.timeoutSecs());
        if (context != null && context.deadline() != null) {
            Duration left = context.remaining();
            if (left.isZero()) {
                return ToolResult.error("the turn has no time left; " + skill.toolName() + " was not started");
            }
            if (left.compareTo(timeout) < 0) {
                timeout = left;
            }
        }
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none() : context.cancellation();
        if (cancellation.isCancelled()) {
            return ToolResult.error("the turn was cancelled; " + skill.toolName() + " was not started");
        }
        String json = args.toString();
        SandboxLimits limits = new SandboxLimits(timeout, settings.memoryBytes(), 64, skill.network(), settings.outputLimit());
        Thread caller = Thread.currentThread();
        Cancellation.Registration stop = cancellation.onCancel(caller::interrupt);
        try {
            return switch (skill.mode()) {
                case "docker" -> docker(skill, json, limits);
                case "wasm" -> runIn("wasm", skill, wasmRequest(skill, json, limits), "");
                default -> runIn("subprocess", skill, hostRequest(skill, json, limits), "");
            };
        } finally {
            stop.close();
            // a cancellation that came after the run must not leak into the caller's next wait
            if (Thread.interrupted() && !cancellation.isCancelled()) {
                caller.interrupt();
            }
        }
    }

    private ToolResult docker(Skill skill, String json, SandboxLimits limits) {
        Optional<SandboxLookup.Lease> docker = sandboxes.find("docker");
        String why;
        if (docker.isEmpty()) {
            why = "the docker sandbox is not installed";
        } else {
            try (SandboxLookup.Lease lease = docker.get()) {
                SandboxRequest request = containerRequest(skill, json, limits);
                return result(skill, lease.sandbox().run(request), "");
            } catch (IOException e) {
                return ToolResult.error(skill.toolName() + " could not run: cannot read its folder: "
                        + SkillFile.oneLine(e.getMessage()));
            } catch (SandboxUnavailableException e) {
                why = e.getMessage();
            } catch (SandboxException e) {
                return ToolResult.error(skill.toolName() + " could not run: " + e.getMessage());
            } catch (InterruptedException e) {
                return ToolResult.error(skill.toolName() + " was cancelled");
            }
        }
        if (!settings.fallsBack()) {
            return ToolResult.error(skill.toolName() + " was refused: it runs in Docker, and " + why + "; it does not run on"
                    + " the host instead unless [skills] allow_host_fallback = true"
                    + (settings.requireDocker() ? " and require_docker = false" : ""));
        }
        LOG.warn("Docker is unavailable ({}); running skill {} in the subprocess sandbox instead (allow_host_fallback)", why,
                skill.name());
        return runIn("subprocess", skill, hostRequest(skill, json, limits),
                "[warning: Docker is unavailable (" + why + "); the skill ran in the subprocess sandbox instead]\n");
    }

    private ToolResult runIn(String type, Skill skill, SandboxRequest request, String note) {
        Optional<SandboxLookup.Lease> sandbox = sandboxes.find(type);
        if (sandbox.isEmpty()) {
            return ToolResult.error(skill.toolName() + " could not run: the " + type + " sandbox is not installed");
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try (SandboxLookup.Lease lease = sandbox.get()) {
                    try {
                        SandboxResult result = lease.sandbox().run(request);
                        if (!swappedAway(lease, attempt)) {
                            return result(skill, result, note);
                        }
                    } catch (SandboxException e) {
                        if (!swappedAway(lease, attempt)) {
                            return ToolResult.error(skill.toolName() + " could not run: " + e.getMessage());
                        }
                    }
                }
                // the sandbox's bundle was updated under the run, which it ended: once more on the new version
                LOG.info("The {} sandbox was swapped while skill {} ran; running it again on the new version", type,
                        skill.name());
                sandbox = sandboxes.await(type, SWAP_WAIT);
                if (sandbox.isEmpty()) {
                    return ToolResult.error(skill.toolName() + " could not run: the " + type + " sandbox was removed "
                            + "while it ran and did not come back within " + SWAP_WAIT.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            return ToolResult.error(skill.toolName() + " was cancelled");
        }
    }

    /** A run is repeated once when its sandbox left during it (a swap ends the runs of the old version). */
    private static boolean swappedAway(SandboxLookup.Lease lease, int attempt) {
        return attempt == 1 && lease.withdrawn().getAsBoolean();
    }

    private Map<String, String> env(Skill skill, String json, String dir) {
        Map<String, String> env = new LinkedHashMap<>(settings.passed());
        env.put("SKILL_NAME", skill.name());
        env.put("SKILL_DIR", dir);
        env.put("SKILL_ARGS", json);
        return env;
    }

    SandboxRequest hostRequest(Skill skill, String json, SandboxLimits limits) {
        String entry = skill.entry().toString();
        List<String> command = entry.endsWith(".py") ? List.of("python3", entry) : List.of("bash", entry);
        return new SandboxRequest(command, json, settings.workspace(),
                env(skill, json, skill.folder().toString()), Map.of(), "", limits);
    }

    SandboxRequest containerRequest(Skill skill, String json, SandboxLimits limits) throws IOException {
        Map<String, byte[]> files = folderFiles(skill.folder());
        String entry = "skill/" + skill.folder().relativize(skill.entry());
        List<String> command = entry.endsWith(".py")
                ? List.of("python3", entry)
                : List.of("sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash \"$0\"; else exec sh \"$0\"; fi",
                        entry);
        return new SandboxRequest(command, json, settings.workspace(),
                env(skill, json, CONTAINER_DIR + "/skill"), files, skill.image(), limits);
    }

    SandboxRequest wasmRequest(Skill skill, String json, SandboxLimits limits) {
        Map<String, String> env = new LinkedHashMap<>(settings.passed());
        env.put("SKILL_NAME", skill.name());
        return new SandboxRequest(List.of(skill.entry().toString()), json, settings.workspace(), env, Map.of(), "", limits);
    }

    /** @return the regular files of the skill folder by {@code skill/<relative path>}; links are left out */
    private static Map<String, byte[]> folderFiles(Path folder) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        long[] total = {0};
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return !dir.equals(folder) && name.startsWith(".") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    total[0] += attributes.size();
                    if (total[0] > MAX_DOCKER_FILES_BYTES || files.size() >= MAX_DOCKER_FILES) {
                        throw new IOException("the skill folder is larger than " + MAX_DOCKER_FILES_BYTES / (1024 * 1024)
                                + " MB or " + MAX_DOCKER_FILES + " files");
                    }
                    String relative = folder.relativize(file).toString().replace('\\', '/');
                    files.put("skill/" + relative, Files.readAllBytes(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private ToolResult result(Skill skill, SandboxResult result, String note) {
        if (result.timedOut()) {
            return ToolResult.error(note + skill.toolName() + " was stopped: it ran longer than its time limit of "
                    + limitOf(result) + output(result));
        }
        if (result.killedReason() != null && !result.killedReason().isEmpty()) {
            return ToolResult.error(note + skill.toolName() + " was killed: " + result.killedReason() + output(result));
        }
        if (result.exitCode() != 0) {
            String stderr = result.stderr().strip();
            return ToolResult.error(note + skill.toolName() + " failed with exit code " + result.exitCode()
                    + (stderr.isEmpty() ? output(result) : ":\n" + stderr));
        }
        String text = result.stdout();
        if (!result.stderr().isBlank()) {
            text = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "[stderr]\n" + result.stderr();
        }
        return ToolResult.ok(note + text);
    }

    private static String limitOf(SandboxResult result) {
        return result.elapsed() == null ? "its limit" : Math.max(1, Math.round(result.elapsed().toMillis() / 1000.0)) + " s";
    }

    private static String output(SandboxResult result) {
        StringBuilder text = new StringBuilder();
        if (!result.stderr().isBlank()) {
            text.append("\n[stderr]\n").append(result.stderr().strip());
        }
        if (!result.stdout().isBlank()) {
            text.append("\n[stdout]\n").append(result.stdout().strip());
        }
        return text.toString();
    }
}
