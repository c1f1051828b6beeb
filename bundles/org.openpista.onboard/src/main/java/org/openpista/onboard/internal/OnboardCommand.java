package org.openpista.onboard.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthService;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelSelector;
import org.openpista.onboard.internal.Presets.Preset;
import org.openpista.terminal.Terminal;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista onboard}: the guided first run. Provider, login or key (stored by the {@link
 * AuthService} as {@code openpista auth login} stores it), model, one timed test turn, approval
 * mode, channels, then {@code config.toml} through the {@link ConfigFileEditor} after a backup. The
 * agent's settings are written by this command; the channels' by their own bundles' commands.
 */
@Component(service = CliCommand.class, property = {CliCommand.NAME + "=onboard", CliCommand.ONBOARDING + "=true"},
        scope = ServiceScope.PROTOTYPE)
@Command(name = "onboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The guided first run: pick a provider, log in or paste its key, pick a model, check it with one test "
                + "turn (its latency is shown), choose the approval mode, switch channels on, and save config.toml.",
            "",
            "On a terminal the lists move with the arrow keys and narrow as you type; in a pipe they are numbered. An existing "
                    + "config.toml keeps everything onboarding does not set; a copy (config.toml.bak-DATE-TIME, owner-only) is "
                    + "made first. Keys go to HOME/credentials.toml (mode 600), as with 'openpista auth login'.",
            "",
            "For scripts: --non-interactive with the options below, for example",
            "  openpista onboard --non-interactive --provider openai --api-key-env MY_KEY",
            "      --model gpt-4.1 --approval ask --web",
            "",
            "Exit status: 0 saved, 1 the login, the test turn or a channel failed (the settings before it are kept), "
                    + "2 bad usage or configuration."})
public final class OnboardCommand implements CliCommand, Callable<Integer> {

    /** Exit statuses of the command line. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** {@code [agent]} and its keys. */
    static final String AGENT = "agent";

    /** How long a provider may take to start once its configuration exists. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** The approval modes, each with what it means. */
    static final Map<String, String> APPROVALS = approvals();

    final BundleContext context;
    final AuthService auth;
    final ModelSelector selector;
    final ConfigurationLoader loader;
    final ConfigFileEditor editor;

    @Option(names = "--non-interactive", description = "Ask nothing: take everything from the options (for scripts).")
    boolean nonInteractive;

    @Option(names = "--provider", paramLabel = "NAME", description = "The provider, as [agent] provider names it "
            + "(openai, anthropic, together, ollama, …; 'openpista auth status' lists the logins).")
    String provider;

    @Option(names = "--api-key", paramLabel = "KEY", description = "The provider's API key, stored in credentials.toml. "
            + "Others can see a process's arguments: prefer --api-key-env.")
    String apiKey;

    @Option(names = "--api-key-env", paramLabel = "VARIABLE", description = "Read the key to store from this environment "
            + "variable. Without a key, the provider's own variable (OPENAI_API_KEY, …) or an earlier login is used.")
    String apiKeyVariable;

    @Option(names = "--endpoint", paramLabel = "URL_OR_REGION",
            description = "The endpoint stored with the key of a provider that needs one (Azure resource URL, Bedrock region).")
    String endpoint;

    @Option(names = "--base-url", paramLabel = "URL", description = "Set [agent] base_url: the API root of a local server, "
            + "a proxy or a compatible vendor.")
    String baseUrl;

    @Option(names = "--model", paramLabel = "MODEL", description = "The model (default: the provider's default).")
    String model;

    @Option(names = "--approval", paramLabel = "MODE", description = "Tool calls: ask (default), auto or deny.")
    String approval;

    @Option(names = "--web", negatable = true, description = "Serve the web chat (a token is generated and the URL printed); "
            + "--no-web switches it off.")
    Boolean web;

    @Option(names = "--telegram-token", paramLabel = "TOKEN", description = "Connect this Telegram bot (checked with getMe first).")
    String telegramToken;

    @Option(names = "--telegram-api-url", paramLabel = "URL", description = "The Bot API root to check and save (default: "
            + "api_url from config.toml, else Telegram's own).")
    String telegramApiUrl;

    @Option(names = "--whatsapp", description = "Switch WhatsApp on; pairing is done afterwards with 'openpista whatsapp'.")
    boolean whatsapp;

    @Option(names = "--slack-bot-token", paramLabel = "xoxb-…", description = "Connect this Slack app (checked with "
            + "auth.test first); with --slack-app-token for Socket Mode.")
    String slackBotToken;

    @Option(names = "--slack-app-token", paramLabel = "xapp-…", description = "The Slack app's app-level token (Socket Mode).")
    String slackAppToken;

    @Option(names = "--discord-token", paramLabel = "TOKEN", description = "Connect this Discord bot (checked with Discord first).")
    String discordToken;

    @Option(names = "--skip-test", description = "Save without the test turn.")
    boolean skipTest;

    @Activate
    public OnboardCommand(BundleContext context, @Reference AuthService auth, @Reference ModelSelector selector,
            @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor) {
        this.context = context;
        this.auth = auth;
        this.selector = selector;
        this.loader = loader;
        this.editor = editor;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (approval != null && !APPROVALS.containsKey(approval.strip())) {
            err.println("openpista: --approval must be one of " + String.join(", ", APPROVALS.keySet()));
            return USAGE;
        }
        if (slackAppToken != null && slackBotToken == null) {
            err.println("openpista: --slack-app-token needs --slack-bot-token");
            return USAGE;
        }
        if (nonInteractive && (provider == null || provider.isBlank())) {
            err.println("openpista: --non-interactive needs --provider NAME (and a key for providers that need one)");
            return USAGE;
        }
        Dialog dialog = nonInteractive ? null
                : new Dialog(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, Terminal.interactive());
        Steps steps = new Steps(this, dialog, out, err);
        try {
            Preset chosen = steps.provider(Presets.installed(context));
            if (chosen == null) {
                return dialog == null ? USAGE : FAILED;
            }
            int login = steps.credential(chosen);
            if (login != OK) {
                return login;
            }
            if (baseUrl != null) {
                loader.override(AGENT, "base_url", baseUrl.strip());
            }
            // [agent]'s endpoint and key belong to the provider the file selects; choosing another drops them
            boolean switched = !loader.report().provider().equals(chosen.name());
            selector.select(chosen.name(), "");
            String problem = loader.report().providerProblem();
            if (!problem.isEmpty()) {
                // the hint to run onboarding is no help here
                err.println("openpista: " + problem.replaceFirst(" \\((or|or set everything up with:) openpista onboard\\)$", ""));
                return dialog == null ? USAGE : FAILED;
            }
            LlmProvider running = LlmProviders.await(context, chosen.name(), START_TIMEOUT);
            String modelId = steps.model(running);
            if (modelId == null || !steps.test(running, modelId)) {
                err.println("openpista: nothing was saved");
                return FAILED;
            }
            String mode = steps.approval();
            if (mode == null) {
                err.println("openpista: nothing was saved");
                return FAILED;
            }
            Channels channels = new Channels(new OtherCommands(context), editor, out);
            Channels.SlackTokens slack = slackBotToken == null ? null : new Channels.SlackTokens(slackBotToken, slackAppToken);
            Channels.Choices given = new Channels.Choices(web, telegramToken, telegramApiUrl, whatsapp, slack, discordToken);
            Channels.Choices choices = dialog == null ? given : channels.ask(dialog, given);
            steps.storeKey();
            return save(new Agent(chosen.name(), modelId, mode, switched), channels, choices, dialog, out, err);
        } catch (ConfigException | ProviderException e) {
            err.println("openpista: " + e.getMessage());
            return FAILED;
        } catch (AuthException e) {
            err.println("openpista: " + e.getMessage());
            return FAILED;
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the editor changes no table written in a form it does not handle (inline tables, dotted keys)
            err.println("openpista: " + loader.configFile() + " cannot be changed: " + e.getMessage());
            return FAILED;
        }
    }

    /**
     * What goes into {@code [agent]}.
     *
     * @param switched whether the file selected another provider, whose {@code base_url} and {@code
     *     api_key} under {@code [agent]} must not apply to this one
     */
    record Agent(String provider, String model, String approval, boolean switched) {}

    /** The backup, {@code [agent]}, then each channel through its own command. */
    private int save(Agent chosen, Channels channels, Channels.Choices choices, Dialog dialog, PrintStream out, PrintStream err)
            throws IOException {
        Path file = loader.configFile();
        Optional<Path> backup = ConfigBackup.keep(file, LocalDateTime.now());
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("provider", chosen.provider());
        agent.put("model", chosen.model());
        agent.put("approval", chosen.approval());
        if (baseUrl != null || chosen.switched()) {
            agent.put("base_url", baseUrl == null ? "" : baseUrl.strip());
        }
        if (chosen.switched()) {
            agent.put("api_key", "");
        }
        editor.set(AGENT, agent);
        out.println("Saved [agent] provider = \"" + chosen.provider() + "\", model = \"" + TerminalText.safe(chosen.model())
                + "\", approval = \"" + chosen.approval() + "\" in " + file
                + backup.map(path -> " (the previous file is kept as " + path.getFileName() + ")").orElse(""));
        loader.environmentOf(AGENT, "model").ifPresent(variable -> err.println("openpista: note: " + variable
                + " is set in the environment and wins over config.toml's model"));
        List<String> failed = channels.apply(choices, dialog);
        out.println();
        out.println("Done. Try it: openpista run -e \"hello\"   Chat: openpista tui   Daemon with the channels: openpista start");
        if (!failed.isEmpty()) {
            err.println("openpista: not set up: " + String.join(", ", failed) + "; the rest is saved");
            return FAILED;
        }
        return OK;
    }

    private static Map<String, String> approvals() {
        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("ask", "asks you before each tool call (a command, a file change)");
        modes.put("auto", "runs tool calls without asking: only where you trust the agent with this machine");
        modes.put("deny", "never runs tools: the agent only talks");
        return java.util.Collections.unmodifiableMap(modes);
    }
}
