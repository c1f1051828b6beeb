package org.openpista.auth.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.terminal.Picker;
import org.openpista.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code openpista auth login [PROVIDER]}. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Logs in to a provider; without PROVIDER, asks which (on a terminal: move with the arrow keys or type "
                + "part of the name, then Enter).",
            "",
            "Browser logins open the browser and print the URL too. Key providers ask for the key without echoing it, or read "
                    + "it from standard input when that is no terminal.",
            "",
            "Exit status: 0 logged in, 1 the login failed or was cancelled, 2 bad usage or configuration."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    AuthCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROVIDER",
            description = "The provider, for example openai, anthropic, github-copilot or together; 'openpista auth status' "
                    + "lists them all.")
    String positional;

    @Option(names = "--provider", paramLabel = "PROVIDER", description = "The provider (same as PROVIDER).")
    String provider;

    @Option(names = "--api-key", arity = "0..1", fallbackValue = "", paramLabel = "KEY",
            description = "Store an API key instead of a browser login; without KEY it is asked for without echo.")
    String apiKey;

    @Option(names = "--endpoint", paramLabel = "URL_OR_REGION",
            description = "The endpoint of a provider that takes an endpoint and a key (Azure: https://NAME.openai.azure.com; "
                    + "Bedrock: the region, for example us-east-1).")
    String endpoint;

    @Option(names = "--no-browser", description = "Print the login URL without trying to open a browser.")
    boolean noBrowser;

    @Option(names = "--non-interactive", description = "Never ask: take everything from the options (for scripts).")
    boolean nonInteractive;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String name = positional != null ? positional : provider;
        if (positional != null && provider != null && !positional.equals(provider)) {
            err.println("openpista: give the provider once, either as PROVIDER or as --provider");
            return AuthCommand.USAGE;
        }
        if (nonInteractive && (name == null || name.isBlank())) {
            err.println("openpista: --non-interactive needs --provider P (and --api-key K for key providers)");
            return AuthCommand.USAGE;
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AuthService service = parent.auth;
        try {
            List<ProviderAuthStatus> providers = service.providers();
            ProviderAuthStatus chosen;
            if (name == null || name.isBlank()) {
                Picker<ProviderAuthStatus> picker = ProviderPicker.of(providers, AuthCommand::how);
                if (Terminal.interactive()) {
                    chosen = pick(picker, out);
                    if (chosen == null) {
                        err.println("openpista: no provider chosen; nothing was changed");
                        return AuthCommand.FAILED;
                    }
                } else {
                    chosen = picker.byNumber(stdin, out, typed -> AuthCommand.find(providers, typed));
                }
            } else {
                chosen = AuthCommand.find(providers, name);
            }
            if (chosen == null) {
                err.println("openpista: unknown provider '" + (name == null ? "" : name) + "': use one of "
                        + String.join(", ", providers.stream().map(ProviderAuthStatus::name).toList()));
                return AuthCommand.USAGE;
            }
            if (chosen.authMode() == AuthMode.NONE) {
                out.println(chosen.displayName() + " needs no login.");
                return AuthCommand.OK;
            }
            boolean key = apiKey != null || AuthCommand.takesKey(chosen);
            int status = key ? saveKey(service, chosen, stdin, out, err) : oauth(service, chosen, stdin, out, err);
            if (status == AuthCommand.OK) {
                noteWhatWins(chosen, err);
            }
            return status;
        } catch (AuthException e) {
            err.println("openpista: " + e.getMessage());
            return AuthCommand.FAILED;
        }
    }

    /** The list to move through, in key-by-key mode for as long as it is shown. */
    private static ProviderAuthStatus pick(Picker<ProviderAuthStatus> picker, PrintStream out) throws IOException {
        int width = Terminal.width();
        try (Terminal.Raw raw = Terminal.raw()) {
            return picker.choose(raw.keys(), out, width);
        }
    }

    /** Says so when the new login is not what the provider will use. */
    private void noteWhatWins(ProviderAuthStatus chosen, PrintStream err) {
        try {
            ProviderAuthStatus now = AuthCommand.find(parent.auth.providers(), chosen.name());
            WorkingCredentials working = parent.workingCredentials();
            if (now != null) {
                working.notes(List.of(now)).forEach(note -> err.println("openpista: note: " + note));
            }
        } catch (AuthException e) {
            err.println("openpista: " + e.getMessage());
        }
    }

    private int saveKey(AuthService service, ProviderAuthStatus chosen, BufferedReader stdin, PrintStream out, PrintStream err)
            throws IOException, AuthException {
        String key = apiKey == null ? "" : apiKey;
        if (key.isEmpty()) {
            if (nonInteractive) {
                err.println("openpista: --non-interactive needs --api-key KEY for " + chosen.name());
                return AuthCommand.USAGE;
            }
            key = Terminal.secret("API key for " + chosen.displayName() + ": ", stdin, out);
        }
        String where = endpoint == null ? "" : endpoint;
        if (chosen.authMode() == AuthMode.ENDPOINT_AND_KEY && where.isBlank()) {
            if (nonInteractive) {
                err.println("openpista: --non-interactive needs --endpoint for " + chosen.name());
                return AuthCommand.USAGE;
            }
            out.print(chosen.name().equals("bedrock") ? "AWS region (for example us-east-1): " : "Endpoint (API root URL): ");
            out.flush();
            String line = stdin.readLine();
            where = line == null ? "" : line.strip();
        }
        ProviderAuthStatus saved = service.saveApiKey(chosen.name(), key, where);
        out.println("Saved the API key for " + saved.displayName() + " in " + parent.credentials() + ".");
        return AuthCommand.OK;
    }

    private int oauth(AuthService service, ProviderAuthStatus chosen, BufferedReader stdin, PrintStream out, PrintStream err)
            throws AuthException, InterruptedException, IOException {
        if (nonInteractive) {
            err.println("openpista: the " + chosen.name() + " login needs a browser; for scripts pass --api-key KEY");
            return AuthCommand.USAGE;
        }
        LoginFlow flow = service.startLogin(chosen.name());
        Thread cancel = new Thread(flow::cancel, "openpista-login-cancel");
        Runtime.getRuntime().addShutdownHook(cancel);
        try {
            out.println("Log in to " + chosen.displayName() + " by opening this URL in a browser:");
            out.println();
            out.println(flow.url());
            out.println();
            if (flow.type() == FlowType.DEVICE_CODE) {
                out.println("and entering the code: " + flow.userCode());
            }
            out.flush();
            if (!noBrowser) {
                Browser.open(flow.url());
            }
            if (flow.type() == FlowType.CODE_DISPLAY) {
                out.print("After approving, paste the code shown: ");
                out.flush();
                String code = stdin.readLine();
                if (code == null || code.isBlank()) {
                    flow.cancel();
                    err.println("openpista: no code was pasted; the login was cancelled");
                    return AuthCommand.FAILED;
                }
                flow.submitCode(code);
            } else {
                out.println("Waiting for the login to complete (Ctrl-C cancels)...");
                out.flush();
            }
            LoginResult result;
            try {
                result = flow.result().toCompletableFuture().get();
            } catch (ExecutionException e) {
                result = LoginResult.failed(chosen.name(), String.valueOf(e.getCause()));
            }
            if (!result.success()) {
                err.println("openpista: " + result.message());
                return AuthCommand.FAILED;
            }
            out.println(capitalised(result.message()) + ".");
            return AuthCommand.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancel);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook cancels the flow
            }
        }
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
