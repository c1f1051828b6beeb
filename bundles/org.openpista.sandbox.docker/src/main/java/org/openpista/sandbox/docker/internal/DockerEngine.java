package org.openpista.sandbox.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task in one throw-away container, through docker-java over the httpclient5 transport:
 * create, inject the files, attach, start, collect output and exit code, destroy. Destruction is
 * guaranteed: in a {@code finally} after every run, for every live container on shutdown, and for
 * containers a dead earlier daemon left behind (found by label) on first use.
 *
 * <p>Every container gets, whatever the request says: no network, the memory limit with no swap, a
 * CPU quota, a process limit, a read-only root filesystem with a small {@code /tmp} tmpfs, the
 * workspace mounted read-only at {@code /workspace}, all capabilities dropped, no-new-privileges
 * and a non-root user. Its working directory {@code /sandbox} is an anonymous volume (a read-only
 * root filesystem refuses copies into itself) that goes with the container.
 */
final class DockerEngine implements Closeable {

    /** Label on every sandbox container. */
    static final String LABEL = "org.openpista.sandbox";
    static final String LABEL_PID = "org.openpista.sandbox.pid";
    static final String LABEL_HOST = "org.openpista.sandbox.host";
    static final String WORKDIR = "/sandbox";
    static final String WORKSPACE = "/workspace";

    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);

    /**
     * @param host the Docker endpoint, e.g. {@code unix:///var/run/docker.sock}
     * @param defaultImage the image when the request names none
     * @param uid the user (and group) id tasks run as
     * @param cpus the CPU quota in CPUs
     * @param pull whether a missing image is pulled
     */
    record Settings(URI host, String defaultImage, int uid, double cpus, boolean pull) {}

    private final Settings settings;
    private final DockerClient docker;
    private final TaskTokens tokens;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean swept = new AtomicBoolean();
    private final String hostName = hostName();
    private volatile boolean closed;

    DockerEngine(Settings settings, TaskTokens tokens) {
        this.settings = settings;
        this.tokens = tokens;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.host().toString())
                .withDockerTlsVerify(false)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /** @throws SandboxUnavailableException when the daemon does not answer */
    void ping() throws SandboxUnavailableException {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new SandboxUnavailableException("Docker is unreachable at " + settings.host() + ": " + reason(e), e);
        }
    }

    SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxUnavailableException("the docker sandbox is shutting down", null);
        }
        ping();
        if (swept.compareAndSet(false, true)) {
            sweepLeftovers();
        }
        String image = request.image().isBlank() ? settings.defaultImage() : request.image();
        ensureImage(image);
        long timeoutSecs = Math.max(1, (long) Math.ceil(request.limits().timeout().toMillis() / 1000.0));

        String provisional = "pending-" + UUID.randomUUID();
        String token = tokens.issue(provisional);
        byte[] tar;
        try {
            TarBuilder files = new TarBuilder(settings.uid());
            request.files().forEach((name, content) -> files.add(name, content, name.endsWith(".sh") ? 0755 : 0644));
            files.add(Worker.SCRIPT, Worker.SCRIPT_TEXT, 0755);
            files.add(Worker.TOKEN, token, 0400);
            files.add(Worker.INPUT, request.input(), 0400);
            tar = files.build();
        } catch (IllegalArgumentException | IOException e) {
            tokens.revoke(provisional);
            throw new SandboxException("cannot prepare the container's files: " + e.getMessage(), e);
        }

        String id;
        try {
            id = create(image, request, timeoutSecs);
        } catch (RuntimeException e) {
            tokens.revoke(provisional);
            throw new SandboxException("cannot create a container from " + image + ": " + reason(e), e);
        }
        live.add(id);
        tokens.rename(provisional, id);
        long started = System.nanoTime();
        OutputCollector output = new OutputCollector(request.limits().outputLimitChars());
        WaitContainerResultCallback waiting = null;
        try {
            docker.copyArchiveToContainerCmd(id).withTarInputStream(new ByteArrayInputStream(tar))
                    .withRemotePath(WORKDIR).exec();
            docker.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true)
                    .exec(output);
            output.awaitStarted(10, TimeUnit.SECONDS);
            docker.startContainerCmd(id).exec();
            waiting = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback());
            boolean timedOut = false;
            Integer status = null;
            try {
                status = waiting.awaitStatusCode(request.limits().timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (DockerClientException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("cancelled");
                }
                timedOut = true;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (timedOut) {
                LOG.info("docker sandbox: container {} ran out of its {} s; destroying it", shortId(id), timeoutSecs);
                destroy(id);
                output.awaitCompletion(2, TimeUnit.SECONDS);
                return new SandboxResult(-1, output.stdout(), output.stderr(), true,
                        "time limit of " + timeoutSecs + " s", elapsed);
            }
            output.awaitCompletion(5, TimeUnit.SECONDS);
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
            Worker.Report report = Worker.parse(output.tail());
            if (oom) {
                return new SandboxResult(report == null ? status : report.exitCode(),
                        strip(output, report), output.stderr(), false,
                        "out of memory: the container's limit is " + request.limits().memoryBytes() / (1024 * 1024) + " MB",
                        elapsed);
            }
            if (report == null) {
                throw new SandboxException("the container's result was rejected: it ended (exit code " + status
                        + ") without a report carrying its task token" + stderrHint(output), null);
            }
            if (!tokens.accepts(id, report.token())) {
                throw new SandboxException("the container's result was rejected: its task token is not valid", null);
            }
            return new SandboxResult(report.exitCode(), strip(output, report), output.stderr(), false, "", elapsed);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cancelled");
            }
            throw new SandboxException("the container failed: " + reason(e), e);
        } finally {
            close(output);
            close(waiting);
            destroy(id);
        }
    }

    private String create(String image, SandboxRequest request, long timeoutSecs) {
        List<String> env = new ArrayList<>();
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("HOME", "/tmp");
        variables.put("TMPDIR", "/tmp");
        variables.put("WORKSPACE", WORKSPACE);
        variables.putAll(request.environment());
        variables.forEach((name, value) -> env.add(name + "=" + value));

        long memory = request.limits().memoryBytes() > 0 ? request.limits().memoryBytes() : 256L * 1024 * 1024;
        long pids = request.limits().maxProcesses() > 0 ? request.limits().maxProcesses() : 64;
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount().withType(MountType.VOLUME).withTarget(WORKDIR));
        mounts.add(new Mount().withType(MountType.TMPFS).withTarget("/tmp")
                .withTmpfsOptions(new TmpfsOptions().withSizeBytes(64L * 1024 * 1024).withMode(01777)));
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(request.limits().network() ? "bridge" : "none")
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs((long) (settings.cpus() * 1_000_000_000L))
                .withPidsLimit(pids)
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMounts(mounts)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "1m", "max-file", "1")));
        Path workspace = request.workspace();
        if (workspace != null) {
            try {
                Files.createDirectories(workspace);
                host.withBinds(new Bind(workspace.toAbsolutePath().normalize().toString(), new Volume(WORKSPACE), AccessMode.ro));
            } catch (IOException e) {
                LOG.warn("docker sandbox: cannot create the workspace {}; running without it", workspace);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL, "1");
        labels.put(LABEL_PID, Long.toString(ProcessHandle.current().pid()));
        labels.put(LABEL_HOST, hostName);
        List<String> command = new ArrayList<>();
        command.add("/bin/sh");
        command.add(WORKDIR + "/" + Worker.SCRIPT);
        command.add(Long.toString(timeoutSecs + 2));
        command.addAll(request.command());
        return docker.createContainerCmd(image)
                .withEntrypoint(List.of())
                .withCmd(command)
                .withUser(settings.uid() + ":" + settings.uid())
                .withWorkingDir(WORKDIR)
                .withEnv(env)
                .withLabels(labels)
                .withNetworkDisabled(!request.limits().network())
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withHostConfig(host)
                .exec()
                .getId();
    }

    private void ensureImage(String image) throws SandboxException, InterruptedException {
        try {
            docker.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException missing) {
            if (!settings.pull()) {
                throw new SandboxException("the image " + image + " is not available to Docker and pulling is off", missing);
            }
        } catch (RuntimeException e) {
            throw new SandboxException("cannot inspect the image " + image + ": " + reason(e), e);
        }
        LOG.info("docker sandbox: pulling {}", image);
        try {
            ResultCallback.Adapter<PullResponseItem> pull = docker.pullImageCmd(image).start();
            if (!pull.awaitCompletion(10, TimeUnit.MINUTES)) {
                close(pull);
                throw new SandboxException("pulling the image " + image + " took longer than 10 minutes", null);
            }
        } catch (RuntimeException e) {
            throw new SandboxException("the image " + image + " is not available and could not be pulled: " + reason(e), e);
        }
    }

    /** Removes the containers an earlier daemon on this host left behind, once that daemon is gone. */
    void sweepLeftovers() {
        try {
            List<Container> ours = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(LABEL, "1")).exec();
            for (Container container : ours) {
                Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
                if (!hostName.equals(labels.get(LABEL_HOST)) || live.contains(container.getId())) {
                    continue;
                }
                long pid = parsePid(labels.get(LABEL_PID));
                boolean ownerAlive = pid > 0 && pid != ProcessHandle.current().pid()
                        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!ownerAlive) {
                    LOG.info("docker sandbox: removing the leftover container {}", shortId(container.getId()));
                    destroy(container.getId());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("docker sandbox: could not look for leftover containers", e);
        }
    }

    /** Force-removes a container with its volumes; ends its token's life. Never throws. */
    void destroy(String id) {
        tokens.revoke(id);
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            LOG.warn("docker sandbox: could not remove container {}: {}", shortId(id), reason(e));
        } finally {
            live.remove(id);
        }
    }

    /** @return the containers running now */
    Set<String> live() {
        return Set.copyOf(live);
    }

    @Override
    public void close() {
        closed = true;
        for (String id : live()) {
            destroy(id);
        }
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("docker sandbox: closing the client failed", e);
        }
    }

    private static String strip(OutputCollector output, Worker.Report report) {
        if (report != null && output.stdoutComplete()) {
            Worker.Report whole = Worker.parse(output.stdout());
            if (whole != null) {
                return whole.output();
            }
        }
        return output.stdout();
    }

    private static String stderrHint(OutputCollector output) {
        String stderr = output.stderr().strip();
        return stderr.isEmpty() ? "" : "; stderr: " + (stderr.length() > 300 ? stderr.substring(0, 300) + "..." : stderr);
    }

    private static long parsePid(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank() ? e.getMessage() : root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        return message.replaceAll("\\s+", " ").strip();
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static void close(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                // the stream is gone with the container
            }
        }
    }

    /** The kernel's host name, read without a name lookup (there may be no resolver). */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}
