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
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelSelector;
import org.openpista.onboard.internal.Presets.Preset;
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
@Component(service = CliCommand.class, property = CliCommand.NAME + "=onboard", scope = ServiceScope.PROTOTYPE)
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

    private final BundleContext context;
    private final AuthService auth;
    private final ModelSelector selector;
    private final ConfigurationLoader loader;
    private final ConfigFileEditor editor;

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
            LlmProvider running = TestTurn.await(context, chosen.name(), START_TIMEOUT);
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
            Channels.Choices given = new Channels.Choices(web, telegramToken, telegramApiUrl, whatsapp);
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

    /** The questions, one method per step; answers given as options are taken without asking. */
    static final class Steps {
        private final OnboardCommand options;
        private final Dialog dialog;
        private final PrintStream out;
        private final PrintStream err;
        private ProviderAuthStatus pendingLogin;
        private String pendingKey;

        Steps(OnboardCommand options, Dialog dialog, PrintStream out, PrintStream err) {
            this.options = options;
            this.dialog = dialog;
            this.out = out;
            this.err = err;
        }

        /** @return the provider, or {@code null} (said why) */
        Preset provider(List<Preset> presets) throws IOException, AuthException {
            if (presets.isEmpty()) {
                err.println("openpista: no provider is installed");
                return null;
            }
            if (options.provider != null) {
                Preset found = Presets.find(presets, options.provider);
                if (found == null) {
                    err.println("openpista: unknown provider '" + options.provider + "': use one of "
                            + String.join(", ", presets.stream().map(Preset::name).toList()));
                }
                return found;
            }
            dialog.say("Welcome to openpista. A few questions and it is ready; config.toml is written at the end (Ctrl-C before leaves it as it is).");
            List<ProviderAuthStatus> logins = options.auth.providers();
            Picker<Preset> picker = new Picker<>("Which provider?", presets, Preset::name,
                    preset -> String.format("%-14s %-46s %s", preset.name(), preset.description(), ready(logins, preset)).stripTrailing(),
                    null);
            Preset chosen = dialog.choose(picker);
            if (chosen == null) {
                err.println("openpista: no provider chosen; nothing was changed");
            }
            return chosen;
        }

        private static String ready(List<ProviderAuthStatus> logins, Preset preset) {
            if (preset.needsNothing()) {
                return "✓ needs no key";
            }
            ProviderAuthStatus status = login(logins, preset);
            return status != null && status.authenticated() ? "✓ " + (status.source().isEmpty() ? "ready" : status.source()) : "";
        }

        private static ProviderAuthStatus login(List<ProviderAuthStatus> logins, Preset preset) {
            return logins.stream().filter(status -> status.name().equals(preset.login())).findFirst().orElse(null);
        }

        /** @return {@link #OK} when the provider has what it needs (or may get it from the configuration) */
        int credential(Preset preset) throws IOException, AuthException {
            if (preset.needsNothing()) {
                return OK;
            }
            ProviderAuthStatus status = login(options.auth.providers(), preset);
            String key = options.apiKey;
            if (options.apiKeyVariable != null) {
                key = ConfigurationLoader.getenv(options.context, options.apiKeyVariable.strip());
                if (key == null || key.isBlank()) {
                    err.println("openpista: --api-key-env: " + options.apiKeyVariable + " is not set");
                    return USAGE;
                }
            }
            if (key != null) {
                return useKey(preset, status, key, options.endpoint);
            }
            if (dialog == null || status == null) {
                // the environment or config.toml may hold it: the selection says whether it does
                return OK;
            }
            List<String> ways = new java.util.ArrayList<>();
            if (status.authenticated()) {
                ways.add("keep");
            }
            if (status.authMode() == AuthMode.OAUTH) {
                ways.add("browser");
            }
            ways.add("key");
            Map<String, String> labels = Map.of("keep", "Keep the credential it has (" + status.source() + ")",
                    "browser", "Log in with the browser", "key", "Paste an API key");
            String way = ways.size() == 1 ? ways.get(0)
                    : dialog.choose(new Picker<>(status.displayName() + ":", ways, w -> w, labels::get, null));
            if (way == null) {
                err.println("openpista: no login chosen; nothing was changed");
                return FAILED;
            }
            switch (way) {
                case "keep":
                    return OK;
                case "browser":
                    return new OtherCommands(options.context).run("auth", "login", preset.login()) == 0 ? OK : FAILED;
                default:
                    String typed = dialog.secret("API key for " + status.displayName() + " (not shown): ");
                    String where = options.endpoint;
                    if (status.authMode() == AuthMode.ENDPOINT_AND_KEY && where == null) {
                        where = dialog.ask(preset.login().equals("bedrock") ? "AWS region (for example us-east-1)"
                                : "Endpoint (API root URL)", "");
                    }
                    return useKey(preset, status, typed, where);
            }
        }

        /**
         * A key is used for the test turn of this process only (never written there) and stored once
         * the settings are saved, so that a mistyped key is not kept; one that goes with an endpoint is
         * stored at once, since the endpoint is part of the login.
         */
        private int useKey(Preset preset, ProviderAuthStatus status, String key, String where) throws AuthException {
            if (status == null) {
                err.println("openpista: " + preset.name() + " keeps no login in credentials.toml; give its key in the "
                        + "environment or as api_key under [agent]");
                return USAGE;
            }
            if (key.isBlank()) {
                err.println("openpista: no key was given; nothing was changed");
                return dialog == null ? USAGE : FAILED;
            }
            if (status.authMode() == AuthMode.ENDPOINT_AND_KEY) {
                store(status, key.strip(), where);
                return OK;
            }
            options.loader.override(AGENT, "api_key", key.strip());
            pendingLogin = status;
            pendingKey = key.strip();
            return OK;
        }

        /** Stores the key given for the test turn, as {@code openpista auth login} does. */
        void storeKey() throws AuthException {
            if (pendingKey != null) {
                store(pendingLogin, pendingKey, "");
            }
        }

        private void store(ProviderAuthStatus status, String key, String where) throws AuthException {
            ProviderAuthStatus saved = options.auth.saveApiKey(status.name(), key, where == null ? "" : where.strip());
            out.println("Saved the API key for " + saved.displayName() + " in "
                    + options.loader.home().resolve("credentials.toml") + ".");
        }

        /** @return the model, or {@code null} when the user cancelled */
        String model(LlmProvider provider) throws IOException {
            String fallback = provider.defaultModel();
            if (options.model != null && !options.model.isBlank()) {
                return options.model.strip();
            }
            if (dialog == null) {
                return fallback;
            }
            List<String> ids;
            try {
                ids = options.selector.models().stream().map(ModelInfo::id).distinct().toList();
            } catch (ProviderException e) {
                dialog.say("The models could not be listed (" + e.getMessage() + ").");
                ids = List.of();
            }
            if (ids.isEmpty()) {
                return dialog.ask("Model", fallback);
            }
            return dialog.choose(new Picker<>("Which model?", ids, TerminalText::safe,
                    id -> TerminalText.safe(id) + (id.equals(fallback) ? "   (the provider's default)" : ""),
                    ids.contains(fallback) ? fallback : null));
        }

        /** @return whether to go on: the test answered, was skipped, or the user saves anyway */
        boolean test(LlmProvider provider, String modelId) throws IOException {
            if (options.skipTest) {
                return true;
            }
            out.println("Test turn with " + provider.name() + " " + TerminalText.safe(modelId) + "…");
            out.flush();
            TestTurn.Outcome outcome = TestTurn.run(provider, modelId, System::nanoTime);
            if (outcome.ok()) {
                out.println("It answered \"" + TerminalText.safe(outcome.text()) + "\"; latency " + outcome.millis() + " ms.");
                return true;
            }
            err.println("openpista: the test turn failed after " + outcome.millis() + " ms: " + outcome.text());
            return dialog != null && dialog.confirm("Save these settings anyway?", false);
        }

        /** @return the approval mode, or {@code null} when the user cancelled */
        String approval() throws IOException {
            if (options.approval != null) {
                return options.approval.strip();
            }
            if (dialog == null) {
                return "ask";
            }
            List<String> modes = List.copyOf(APPROVALS.keySet());
            return dialog.choose(new Picker<>("Tool calls?", modes, mode -> mode,
                    mode -> String.format("%-5s %s", mode, APPROVALS.get(mode)), "ask"));
        }
    }
}
