package org.openpista.channel.cli.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;

/**
 * The slash commands of the daemon's terminal. Every line starting with {@code /} is a command,
 * never a message to the model; one it does not know is answered with the list.
 */
final class ConsoleCommands {

    static final String HELP = "openpista: type a message and press Enter. Commands: /new or /session new (a new session), "
            + "/session (the current one), /session load ID, /model (the model in use), /model list, /model NAME, "
            + "/help, /quit or /exit (stop the daemon)";

    private final String conversation;
    private final PrintStream err;
    private final Supplier<DaemonControl> daemon;
    private final Supplier<SessionRouter> router;
    private final Supplier<ModelSelector> models;

    ConsoleCommands(String conversation, PrintStream err, Supplier<DaemonControl> daemon, Supplier<SessionRouter> router,
            Supplier<ModelSelector> models) {
        this.conversation = conversation;
        this.err = err;
        this.daemon = daemon;
        this.router = router;
        this.models = models;
    }

    /**
     * @param line a line starting with {@code /}
     * @return whether the terminal should stop reading (the daemon is stopping)
     */
    boolean run(String line) {
        String[] words = line.strip().split("\\s+");
        String command = words[0].toLowerCase(Locale.ROOT);
        String argument = words.length > 1 ? line.strip().substring(line.strip().indexOf(words[1])) : "";
        switch (command) {
            case "/quit", "/exit" -> {
                DaemonControl control = daemon.get();
                if (control == null) {
                    err.println("openpista: this is not a daemon; nothing to stop");
                    return false;
                }
                err.println("openpista: stopping");
                control.requestStop("/quit on the terminal");
                return true;
            }
            case "/new" -> session(List.of("new"));
            case "/session" -> session(words.length > 1 ? List.of(words).subList(1, words.length) : List.of());
            case "/model" -> model(argument);
            case "/help" -> err.println(HELP);
            default -> err.println("openpista: unknown command " + TerminalText.safe(words[0]) + "; /help lists them");
        }
        return false;
    }

    private void session(List<String> arguments) {
        SessionRouter sessions = router.get();
        if (sessions == null) {
            err.println("openpista: the agent is not running");
            return;
        }
        if (arguments.isEmpty()) {
            err.println("openpista: session " + sessions.currentSession(conversation));
        } else if (arguments.get(0).equalsIgnoreCase("new")) {
            err.println("openpista: new session " + sessions.newSession(conversation));
        } else if (arguments.get(0).equalsIgnoreCase("load") && arguments.size() == 2) {
            sessions.switchSession(conversation, arguments.get(1));
            err.println("openpista: messages go to session " + TerminalText.safe(arguments.get(1)) + " now");
        } else {
            err.println("openpista: use /session, /session new or /session load ID");
        }
    }

    private void model(String argument) {
        ModelSelector selector = models.get();
        if (selector == null) {
            err.println("openpista: model selection is not available (the configuration bundle is not running)");
            return;
        }
        try {
            if (argument.isEmpty()) {
                ModelChoice current = selector.current();
                err.println("openpista: provider " + current.provider() + ", model " + current.model());
            } else if (argument.equalsIgnoreCase("list")) {
                for (ModelInfo model : selector.models()) {
                    err.println("  " + TerminalText.safe(model.id()) + (model.recommended() ? "  (recommended)" : ""));
                }
            } else {
                ModelChoice chosen = selector.select("", argument);
                err.println("openpista: model " + TerminalText.safe(chosen.model()) + " for new turns (until the next reload)");
            }
        } catch (ProviderException | ConfigException | RuntimeException e) {
            err.println("openpista: " + TerminalText.safe(e.getMessage()));
        }
    }
}
