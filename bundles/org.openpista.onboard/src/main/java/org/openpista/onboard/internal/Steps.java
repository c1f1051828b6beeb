package org.openpista.onboard.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.onboard.internal.Presets.Preset;
import org.openpista.terminal.Picker;

/**
 * The questions of {@link OnboardCommand}, one method per step; an answer given as an option is
 * taken without asking.
 */
final class Steps {
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

    /** @return {@link OnboardCommand#OK} when the provider has what it needs (or may get it from the configuration) */
    int credential(Preset preset) throws IOException, AuthException {
        if (preset.needsNothing()) {
            return OnboardCommand.OK;
        }
        ProviderAuthStatus status = login(options.auth.providers(), preset);
        String key = options.apiKey;
        if (options.apiKeyVariable != null) {
            key = ConfigurationLoader.getenv(options.context, options.apiKeyVariable.strip());
            if (key == null || key.isBlank()) {
                err.println("openpista: --api-key-env: " + options.apiKeyVariable + " is not set");
                return OnboardCommand.USAGE;
            }
        }
        if (key != null) {
            return useKey(preset, status, key, options.endpoint);
        }
        if (dialog == null || status == null) {
            // the environment or config.toml may hold it: the selection says whether it does
            return OnboardCommand.OK;
        }
        List<String> ways = new ArrayList<>();
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
            return OnboardCommand.FAILED;
        }
        switch (way) {
            case "keep":
                return OnboardCommand.OK;
            case "browser":
                return new OtherCommands(options.context).run("auth", "login", preset.login()) == 0 ? OnboardCommand.OK : OnboardCommand.FAILED;
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
            return OnboardCommand.USAGE;
        }
        if (key.isBlank()) {
            err.println("openpista: no key was given; nothing was changed");
            return dialog == null ? OnboardCommand.USAGE : OnboardCommand.FAILED;
        }
        if (status.authMode() == AuthMode.ENDPOINT_AND_KEY) {
            store(status, key.strip(), where);
            return OnboardCommand.OK;
        }
        options.loader.override(OnboardCommand.AGENT, "api_key", key.strip());
        pendingLogin = status;
        pendingKey = key.strip();
        return OnboardCommand.OK;
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
        List<String> modes = List.copyOf(OnboardCommand.APPROVALS.keySet());
        return dialog.choose(new Picker<>("Tool calls?", modes, mode -> mode,
                mode -> String.format("%-5s %s", mode, OnboardCommand.APPROVALS.get(mode)), "ask"));
    }
}
