package org.openpista.sandbox.docker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxPaths;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code container.run} tool: runs a shell command in a throw-away container of the docker
 * sandbox, with the workspace mounted read-only at {@code /workspace}, no network and the
 * sandbox's hard limits. Optional files are placed in the working directory {@code /sandbox}. A
 * non-zero exit, a timeout or a kill is an error result. The docker sandbox is held by reference
 * and fetched per call, so the tool costs nothing until it is used. It reads the same {@code
 * [skills]} section as the sandbox, so it shares the sandbox's configuration type (one PID, one
 * designation per bundle).
 */
@Component(
        service = Tool.class,
        property = Tool.NAME + "=" + ContainerRunTool.NAME,
        configurationPid = DockerSandbox.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ContainerRunTool implements Tool {

    static final String NAME = "container.run";
    static final int DEFAULT_TIMEOUT_SECS = 60;
    static final int MAX_TIMEOUT_SECS = 600;

    private final ObjectMapper mapper = new ObjectMapper();
    private final BundleContext context;
    private final ServiceReference<Sandbox> docker;
    private final Path workspace;
    private final String image;
    private final int outputLimit;
    private final ToolSpec spec;

    @Activate
    public ContainerRunTool(BundleContext context,
            @Reference(service = Sandbox.class, target = "(" + Sandbox.TYPE + "=" + DockerSandbox.TYPE + ")")
            ServiceReference<Sandbox> docker,
            DockerSandbox.Config config) {
        this.context = context;
        this.docker = docker;
        Path homeDir = ConfigurationLoader.home(context);
        this.workspace = config.workspace().isBlank() ? homeDir.resolve("workspace") : ConfigurationLoader.resolve(homeDir, config.workspace());
        this.image = config.docker_image().isBlank() ? DockerSandbox.DEFAULT_IMAGE : config.docker_image().strip();
        this.outputLimit = Math.max(100, config.max_output_chars());
        this.spec = new ToolSpec(NAME, description(), schema());
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext toolContext) {
        SandboxRequest request;
        try {
            request = request(call.arguments(), toolContext);
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        }
        Sandbox sandbox = context.getService(docker);
        if (sandbox == null) {
            return ToolResult.error("container.run is unavailable: the docker sandbox went away");
        }
        Cancellation cancellation = toolContext == null || toolContext.cancellation() == null
                ? Cancellation.none() : toolContext.cancellation();
        Thread caller = Thread.currentThread();
        Cancellation.Registration stop = cancellation.onCancel(caller::interrupt);
        try {
            return text(sandbox.run(request));
        } catch (SandboxException e) {
            return ToolResult.error("container.run could not run the command: " + e.getMessage());
        } catch (InterruptedException e) {
            return ToolResult.error("container.run was cancelled; the container was removed");
        } finally {
            stop.close();
            Thread.interrupted();
            try {
                context.ungetService(docker);
            } catch (IllegalStateException stopping) {
                // the bundle stopped during the call
            }
        }
    }

    SandboxRequest request(String arguments, ToolContext toolContext) {
        JsonNode args;
        try {
            args = mapper.readTree(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (args == null || !args.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode command = args.get("command");
        if (command == null || !command.isTextual() || command.asText().isBlank()) {
            throw new IllegalArgumentException("\"command\" must be a non-empty string");
        }
        int timeout = DEFAULT_TIMEOUT_SECS;
        JsonNode timeoutNode = args.get("timeout_secs");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            if (!timeoutNode.canConvertToInt() || timeoutNode.asInt() < 1 || timeoutNode.asInt() > MAX_TIMEOUT_SECS) {
                throw new IllegalArgumentException("\"timeout_secs\" must be a whole number from 1 to " + MAX_TIMEOUT_SECS);
            }
            timeout = timeoutNode.asInt();
        }
        if (toolContext != null && toolContext.deadline() != null) {
            long left = toolContext.remaining().toSeconds();
            if (left < 1) {
                throw new IllegalArgumentException("the turn has no time left");
            }
            timeout = (int) Math.min(timeout, left);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        JsonNode filesNode = args.get("files");
        if (filesNode != null && !filesNode.isNull()) {
            if (!filesNode.isObject()) {
                throw new IllegalArgumentException("\"files\" must be an object of relative path to text");
            }
            for (Map.Entry<String, JsonNode> file : filesNode.properties()) {
                if (!file.getValue().isTextual()) {
                    throw new IllegalArgumentException("the content of file " + SandboxPaths.quote(file.getKey()) + " must be text");
                }
                SandboxPaths.inside(Path.of(DockerEngine.WORKDIR), file.getKey());
                if (file.getKey().equals(Worker.DIR) || file.getKey().startsWith(Worker.DIR + "/")) {
                    throw new IllegalArgumentException("file paths under " + Worker.DIR + "/ are reserved");
                }
                files.put(file.getKey(), file.getValue().asText().getBytes(StandardCharsets.UTF_8));
            }
        }
        String chosen = args.path("image").asText("").strip();
        SandboxLimits limits = new SandboxLimits(Duration.ofSeconds(timeout), 256L * 1024 * 1024, 64, false, outputLimit);
        return new SandboxRequest(List.of("sh", "-c", command.asText()), "", workspace, Map.of(), files,
                chosen.isEmpty() ? image : chosen, limits);
    }

    private static ToolResult text(SandboxResult result) {
        StringBuilder text = new StringBuilder();
        if (result.timedOut()) {
            text.append("stopped: the command ran longer than its ").append(result.killedReason()).append('\n');
        } else if (!result.killedReason().isEmpty()) {
            text.append("killed: ").append(result.killedReason()).append(" (exit code ").append(result.exitCode()).append(")\n");
        } else {
            text.append("exit code: ").append(result.exitCode()).append(result.exitCode() == 0 ? "" : " (non-zero)").append('\n');
        }
        if (!result.stdout().isEmpty()) {
            text.append("[stdout]\n").append(result.stdout());
            if (!result.stdout().endsWith("\n")) {
                text.append('\n');
            }
        }
        if (!result.stderr().isEmpty()) {
            text.append("[stderr]\n").append(result.stderr());
        }
        String content = text.toString().stripTrailing();
        return result.succeeded() ? ToolResult.ok(content) : ToolResult.error(content);
    }

    private String description() {
        return "Runs a shell command (sh -c) in a fresh, throw-away container and returns its exit code, stdout and"
                + " stderr. The container has no network, " + "256 MB of memory, one CPU, at most 64 processes, a"
                + " read-only root filesystem (a small writable /tmp), no capabilities and a non-root user. The"
                + " workspace is mounted read-only at /workspace; the working directory is /sandbox, where the"
                + " optional files are placed. Default image " + image + ", default timeout " + DEFAULT_TIMEOUT_SECS
                + " s. Use it for untrusted or risky code.";
    }

    private String schema() {
        ObjectNode schema = mapper.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("command").put("type", "string").put("description", "The shell command line.");
        properties.putObject("image").put("type", "string").put("description", "Container image; default " + image + ".");
        properties.putObject("timeout_secs").put("type", "integer").put("minimum", 1).put("maximum", MAX_TIMEOUT_SECS)
                .put("description", "Seconds before the container is destroyed (default " + DEFAULT_TIMEOUT_SECS + ").");
        properties.putObject("files").put("type", "object")
                .put("description", "Files to place in /sandbox first: relative path to text content.")
                .putObject("additionalProperties").put("type", "string");
        schema.putArray("required").add("command");
        return schema.toString();
    }
}
