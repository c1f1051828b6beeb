package org.openpista.sandbox.docker.internal;

import java.net.URI;
import java.util.Map;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxIsolation;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} sandbox: each run in a fresh container with hard limits, destroyed afterwards
 * (see {@link DockerEngine}). The Docker client is created on the first run, not on activation,
 * so having the sandbox installed costs a one-shot command nothing. Configured from the {@code
 * [skills]} section: {@code docker_host} (else {@code DOCKER_HOST}, else the local socket) and
 * {@code docker_image}.
 *
 * <p>When the daemon cannot be reached, runs fail with {@link SandboxUnavailableException}, which
 * the skills bundle turns into a fallback or a refusal. On deactivation (and when the JVM exits)
 * every container still running is removed.
 */
@Component(
        service = Sandbox.class,
        property = Sandbox.TYPE + "=" + DockerSandbox.TYPE,
        configurationPid = DockerSandbox.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DockerSandbox.Config.class)
@SettingsSection(value = "skills", pid = DockerSandbox.PID, formats = "workspace=path")
public final class DockerSandbox implements Sandbox, SandboxIsolation {

    static final String TYPE = "docker";
    /** Shares the {@code [skills]} section. */
    static final String PID = "org.openpista.skills";
    static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    static final String DEFAULT_IMAGE = "debian:bookworm-slim";

    private static final Logger LOG = LoggerFactory.getLogger(DockerSandbox.class);

    /** The docker keys of the {@code [skills]} section. */
    @ObjectClassDefinition(name = "openpista docker sandbox", description = "Throw-away containers with hard limits; also read by container.run.")
    public @interface Config {
        @AttributeDefinition(name = "Docker host", description = "The Docker endpoint; empty: $DOCKER_HOST, else unix:///var/run/docker.sock.")
        String docker_host() default "";

        @AttributeDefinition(name = "Default image", description = "The image of runs that name none (it needs /bin/sh).")
        String docker_image() default DEFAULT_IMAGE;

        @AttributeDefinition(name = "CPUs", description = "The CPU quota of a container, in CPUs.")
        double docker_cpus() default 1.0;

        @AttributeDefinition(name = "Pull images", description = "Pull an image that Docker does not have yet.")
        boolean docker_pull() default true;

        @AttributeDefinition(name = "User id", description = "The non-root user (and group) id tasks run as; 0: the daemon's own"
                + " user when that is not root (so it can read the workspace), else 65534 (nobody).")
        int docker_uid() default 0;

        @AttributeDefinition(name = "Workspace", description = "container.run mounts it read-only at /workspace. Empty: <openpista.home>/workspace.")
        String workspace() default "";

        @AttributeDefinition(name = "Output limit (characters)", description = "Characters container.run keeps of stdout and stderr each.")
        int max_output_chars() default 10_000;
    }

    private final DockerEngine.Settings settings;
    private final TaskTokens tokens = new TaskTokens();
    private final Thread shutdownHook;
    private DockerEngine engine;
    private boolean closed;

    @Activate
    public DockerSandbox(Config config) {
        this(config, System.getenv());
    }

    DockerSandbox(Config config, Map<String, String> environment) {
        String host = config.docker_host() == null ? "" : config.docker_host().strip();
        if (host.isEmpty()) {
            String fromEnv = environment.get("DOCKER_HOST");
            host = fromEnv == null || fromEnv.isBlank() ? DEFAULT_HOST : fromEnv.strip();
        }
        String image = config.docker_image() == null || config.docker_image().isBlank() ? DEFAULT_IMAGE : config.docker_image().strip();
        double cpus = config.docker_cpus() > 0 ? config.docker_cpus() : 1.0;
        int uid = config.docker_uid() > 0 ? config.docker_uid() : defaultUid();
        this.settings = new DockerEngine.Settings(URI.create(host), image, uid, cpus, config.docker_pull());
        this.shutdownHook = new Thread(this::deactivate, "openpista-docker-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException exiting) {
            // the JVM is already going down
        }
    }

    @Deactivate
    void deactivate() {
        DockerEngine current;
        synchronized (this) {
            closed = true;
            current = engine;
            engine = null;
        }
        if (current != null) {
            current.close();
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Pings Docker: {@code docker} when it answers. */
    @Override
    public String isolation() throws SandboxUnavailableException {
        engine().ping();
        return TYPE;
    }

    @Override
    public SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
        return engine().run(request);
    }

    /** @return the engine, created on first use */
    synchronized DockerEngine engine() throws SandboxUnavailableException {
        if (closed) {
            throw new SandboxUnavailableException("the docker sandbox is shutting down", null);
        }
        if (engine == null) {
            try {
                engine = new DockerEngine(settings, tokens);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("docker sandbox: cannot create the Docker client for {}", settings.host(), e);
                throw new SandboxUnavailableException("cannot talk to Docker at " + settings.host() + ": "
                        + DockerEngine.reason(e), e);
            }
        }
        return engine;
    }

    /** @return the daemon's uid when it is not root, else 65534: tasks never run as root */
    static int defaultUid() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            if (uid instanceof Integer id && id > 0) {
                return id;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: use nobody
        }
        return 65534;
    }

    DockerEngine.Settings settings() {
        return settings;
    }
}
