package org.openpista.tui.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.auth.AuthService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista tui [-s SESSION]}, and what {@code openpista} alone runs on a terminal ({@link
 * CliCommand#BARE}): the full-screen terminal UI. When a daemon runs for the home and serves its
 * web chat, the TUI attaches to it over the web chat's protocol and shares its sessions live;
 * otherwise the agent runs in this process, as for {@code openpista run}, on the home's
 * conversation store ({@link DaemonOrLocal}).
 */
@Component(service = CliCommand.class, scope = ServiceScope.PROTOTYPE,
        property = {CliCommand.NAME + "=tui", CliCommand.BARE + "=true", CliCommand.NEEDS_PROVIDER + "=true"})
@Command(name = "tui", mixinStandardHelpOptions = true,
        description = {"The terminal UI: a full-screen chat with the agent (also what 'openpista' alone opens on a terminal).",
            "",
            "When a daemon runs for this home and serves the web chat, the terminal UI attaches to it: turns run in the "
                    + "daemon and messages sent to the session from the web chat show here as they arrive. Otherwise the "
                    + "agent runs in this process, as for 'openpista run', with the sessions of this home. The status line "
                    + "says which ('attached · daemon PID' or 'in-process').",
            "",
            "Keys: Enter sends, Tab completes commands, Esc cancels, Ctrl-S lists sessions, Ctrl-C twice quits; /help "
                    + "lists the rest.",
            "",
            "Exit status: 0 left with /quit or Ctrl-C, 1 failed, 2 bad usage (no terminal)."})
public final class TuiCommand implements CliCommand, Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentGateway gateway;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConversationStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuthService auth;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DaemonClient daemon;

    @Option(names = {"-s", "--session"}, paramLabel = "SESSION", description = "Open this session (created when new).")
    String session;

    @Activate
    public TuiCommand(BundleContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream err = System.err;
        String sessionId = session == null || session.isBlank() ? null : session.strip();
        if (System.console() == null) {
            err.println("openpista: the terminal UI needs a terminal (standard input and output); "
                    + (sessionId == null ? "for one prompt use: openpista run -e \"...\""
                    : "continue the session with: openpista run -s " + sessionId + " -e \"...\""));
            return USAGE;
        }
        boolean color = ConfigurationLoader.getenv(context, "NO_COLOR") == null
                || ConfigurationLoader.getenv(context, "NO_COLOR").isEmpty();
        Sessions sessions = new Sessions(ConfigurationLoader.home(context));
        try (Backend backend = backend(sessions); Captured captured = new Captured();
                TerminalScreen screen = TerminalScreen.open()) {
            Outside outside = new Outside(context, () -> daemon, captured);
            return new TuiApp(backend, outside, sessions, new Styles(color)).run(screen, sessionId);
        }
    }

    /** Attached to the daemon when one runs and serves its web chat, else the agent of this process. */
    private Backend backend(Sessions sessions) {
        return new DaemonOrLocal(() -> daemon, mode -> local(sessions, mode));
    }

    private Backend local(Sessions sessions, String mode) {
        try {
            awaitAgent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new LocalBackend(new LocalBackend.Services() {
            @Override
            public AgentGateway gateway() {
                return gateway;
            }

            @Override
            public ConversationStore store() {
                return store;
            }

            @Override
            public ModelSelector models() {
                return models;
            }

            @Override
            public AuthService auth() {
                return auth;
            }
        }, sessions, mode);
    }

    /** The agent's components come up with the framework; a moment may pass before they are there. */
    private void awaitAgent() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((gateway == null || store == null) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
