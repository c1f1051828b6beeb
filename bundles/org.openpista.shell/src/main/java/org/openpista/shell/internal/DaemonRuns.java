package org.openpista.shell.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code openpista run -e PROMPT} served by the running daemon, so the command need not start a
 * framework of its own: the turn runs here as the launcher would run it (channel {@code cli},
 * conversation {@code cli:SESSION}), its output goes back over the admin socket ({@link
 * AdminConnection}). The daemon serves only what the command would do the same way itself: when it
 * reads another configuration file, or has no agent core or no usable provider, it declines and the
 * command runs the turn in its own process (with the same messages and onboarding as ever).
 */
@Component(service = DaemonRuns.class)
public class DaemonRuns {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentGateway gateway;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConfigurationLoader loader;

    public DaemonRuns() {}

    DaemonRuns(AgentGateway gateway, ConfigurationLoader loader) {
        this.gateway = gateway;
        this.loader = loader;
    }

    /**
     * @param configFile the configuration file the command would read (absolute)
     * @return why the command should run the turn itself, or empty when this daemon serves it
     */
    Optional<String> declined(String configFile) {
        if (gateway == null || loader == null) {
            return Optional.of("the daemon's agent core is not running");
        }
        Optional<String> other = otherConfiguration(configFile);
        if (other.isPresent()) {
            return other;
        }
        ConfigReport report;
        try {
            report = loader.report();
        } catch (ConfigException e) {
            return Optional.of("the daemon's configuration did not load");
        }
        if (!report.providerProblem().isEmpty()) {
            return Optional.of("the daemon has no usable provider");
        }
        return Optional.empty();
    }

    /**
     * @param configFile the configuration file a command would read (absolute)
     * @return why a command that reads it must not be served here: the daemon reads another file,
     *     or its own did not load; empty when the daemon's configuration is the command's
     */
    Optional<String> otherConfiguration(String configFile) {
        ConfigurationLoader configuration = loader;
        if (configuration == null) {
            return Optional.of("the daemon's configuration is not loaded");
        }
        Path own = configuration.configFile().toAbsolutePath().normalize();
        Path asked;
        try {
            asked = Path.of(configFile).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return Optional.of("no such configuration file: " + configFile);
        }
        if (!own.equals(asked)) {
            return Optional.of("the daemon reads " + own + ", not " + asked);
        }
        try {
            configuration.report();
        } catch (ConfigException e) {
            return Optional.of("the daemon's configuration did not load");
        }
        return Optional.empty();
    }

    /** @return the warnings of the daemon's configuration, which the command shows as when it loads it itself */
    List<String> warnings() {
        ConfigurationLoader configuration = loader;
        try {
            return configuration == null ? List.of() : configuration.report().warnings();
        } catch (ConfigException e) {
            return List.of();
        }
    }

    /**
     * Runs one turn and waits for it; an interrupt (the client went away, Ctrl-C) cancels it.
     *
     * @return the answer, or the error that ended the turn
     */
    AgentReply run(String sessionId, String prompt, ReplySink sink) throws InterruptedException {
        AgentGateway agent = gateway;
        if (agent == null) {
            return AgentReply.failure(sessionId, "the agent core stopped");
        }
        TurnHandle turn = agent.submit(InboundMessage.text("cli", "cli:" + sessionId, sessionId, prompt), sink);
        try {
            return turn.completion().toCompletableFuture().get();
        } catch (InterruptedException e) {
            turn.cancel();
            throw e;
        } catch (ExecutionException e) {
            // as the command says it when the turn runs in its own process
            return AgentReply.failure(sessionId, "the turn failed: " + e.getCause());
        }
    }
}
