package org.openpista.runtime;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.osgi.framework.BundleException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code openpista auth login|status|logout}: provider logins, stored in {@code credentials.toml}. */
@Command(
        name = "auth",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Logs in to model providers: OAuth in the browser (OpenAI, Anthropic, OpenRouter), a device code",
            "(GitHub Copilot), or an API key. Logins are kept in HOME/credentials.toml (mode 600) and used by",
            "the providers when config.toml and the environment name no key."
        },
        subcommands = {AuthCommand.Login.class, AuthCommand.Status.class, AuthCommand.Logout.class})
final class AuthCommand implements Runnable {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code openpista auth login [PROVIDER]}. */
    @Command(
            name = "login",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {
                "Logs in to a provider; without PROVIDER, asks which.",
                "OAuth providers open the browser (the URL is printed too); key providers ask for the key without",
                "echoing it, or read it from standard input when that is no terminal.",
                "",
                "Exit status: 0 logged in, 1 the login failed, 2 bad usage or configuration."
            })
    static final class Login implements Callable<Integer> {

        @ParentCommand
        AuthCommand auth;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PROVIDER",
                description = "openai, anthropic, openrouter, github-copilot, together, google, vercel-ai-gateway,"
                        + " azure-openai, bedrock or custom.")
        String positional;

        @Option(names = "--provider", paramLabel = "PROVIDER", description = "The provider (same as PROVIDER).")
        String provider;

        @Option(names = "--api-key", arity = "0..1", fallbackValue = "", paramLabel = "KEY",
                description = "Store an API key instead of an OAuth login; without KEY it is asked for without echo.")
        String apiKey;

        @Option(names = "--endpoint", paramLabel = "URL_OR_REGION",
                description = "The endpoint of an endpoint-and-key provider (Azure: https://NAME.openai.azure.com;"
                        + " Bedrock: the region, for example us-east-1).")
        String endpoint;

        @Option(names = "--no-browser", description = "Print the login URL without trying to open a browser.")
        boolean noBrowser;

        @Option(names = "--non-interactive", description = "Never ask: take everything from the options (for scripts).")
        boolean nonInteractive;

        @Override
        public Integer call() throws IOException, BundleException, InterruptedException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            String name = positional != null ? positional : provider;
            if (positional != null && provider != null && !positional.equals(provider)) {
                err.println("openpista: give the provider once, either as PROVIDER or as --provider");
                return Main.USAGE;
            }
            if (nonInteractive && (name == null || name.isBlank())) {
                err.println("openpista: --non-interactive needs --provider P (and --api-key K for key providers)");
                return Main.USAGE;
            }
            Home home = auth.main.setUpLogging(null);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (CommandRuntime runtime = CommandRuntime.start(home, err)) {
                AuthService service = runtime.service(AuthService.class, null);
                List<ProviderAuthStatus> providers = service.providers();
                ProviderAuthStatus chosen = name == null || name.isBlank() ? pick(providers, stdin, out) : find(providers, name);
                if (chosen == null) {
                    err.println("openpista: unknown provider '" + (name == null ? "" : name) + "': use one of "
                            + String.join(", ", providers.stream().map(ProviderAuthStatus::name).toList()));
                    return Main.USAGE;
                }
                if (chosen.authMode() == AuthMode.NONE) {
                    out.println(chosen.displayName() + " needs no login.");
                    return 0;
                }
                boolean key = apiKey != null || chosen.authMode() != AuthMode.OAUTH;
                int status = key ? saveKey(service, chosen, stdin, out, err) : oauth(service, chosen, stdin, out, err);
                if (status == 0 && !chosen.source().isEmpty() && !chosen.source().equals("credentials.toml")) {
                    err.println("openpista: note: " + chosen.source() + " is set in the environment and wins over the"
                            + " stored login; unset it to use the login");
                }
                return status;
            } catch (CommandRuntime.ConfigurationProblem e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            } catch (AuthException e) {
                err.println("openpista: " + e.getMessage());
                return Main.FAILED;
            }
        }

        private ProviderAuthStatus pick(List<ProviderAuthStatus> providers, BufferedReader stdin, PrintStream out) throws IOException {
            out.println("Log in to which provider?");
            for (int i = 0; i < providers.size(); i++) {
                ProviderAuthStatus status = providers.get(i);
                out.printf("  %2d) %-18s %-38s %s%n", i + 1, status.name(), status.displayName() + " [" + mode(status.authMode()) + "]",
                        status.authenticated() ? "✓ " + (status.source().isEmpty() ? "ready" : status.source()) : "");
            }
            out.print("Number or name: ");
            out.flush();
            String answer = stdin.readLine();
            if (answer == null || answer.isBlank()) {
                return null;
            }
            String text = answer.strip();
            if (text.matches("[0-9]{1,3}")) {
                int index = Integer.parseInt(text) - 1;
                return index >= 0 && index < providers.size() ? providers.get(index) : null;
            }
            return find(providers, text);
        }

        private int saveKey(AuthService service, ProviderAuthStatus chosen, BufferedReader stdin, PrintStream out, PrintStream err)
                throws IOException, AuthException {
            String key = apiKey == null ? "" : apiKey;
            if (key.isEmpty()) {
                if (nonInteractive) {
                    err.println("openpista: --non-interactive needs --api-key KEY for " + chosen.name());
                    return Main.USAGE;
                }
                key = secret("API key for " + chosen.displayName() + ": ", stdin, out);
            }
            String where = endpoint == null ? "" : endpoint;
            if (chosen.authMode() == AuthMode.ENDPOINT_AND_KEY && where.isBlank()) {
                if (nonInteractive) {
                    err.println("openpista: --non-interactive needs --endpoint for " + chosen.name());
                    return Main.USAGE;
                }
                out.print(chosen.name().equals("bedrock") ? "AWS region (for example us-east-1): "
                        : "Endpoint (API root URL): ");
                out.flush();
                String line = stdin.readLine();
                where = line == null ? "" : line.strip();
            }
            ProviderAuthStatus saved = service.saveApiKey(chosen.name(), key, where);
            out.println("Saved the API key for " + saved.displayName() + " in " + auth.main.resolveHome().dir().resolve("credentials.toml")
                    + ".");
            return 0;
        }

        private int oauth(AuthService service, ProviderAuthStatus chosen, BufferedReader stdin, PrintStream out, PrintStream err)
                throws AuthException, InterruptedException, IOException {
            if (nonInteractive && chosen.authMode() == AuthMode.OAUTH) {
                err.println("openpista: the " + chosen.name() + " login needs a browser; for scripts pass --api-key KEY");
                return Main.USAGE;
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
                        return Main.FAILED;
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
                    return Main.FAILED;
                }
                out.println(capitalised(result.message()) + ".");
                return 0;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(cancel);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook cancels the flow
                }
            }
        }

        /** Reads a secret without echo from the console, or a line from standard input when there is none. */
        private static String secret(String prompt, BufferedReader stdin, PrintStream out) throws IOException {
            Console console = System.console();
            if (console != null && Terminals.stdinIsTerminal()) {
                char[] typed = console.readPassword("%s", prompt);
                return typed == null ? "" : new String(typed).strip();
            }
            String line = stdin.readLine();
            return line == null ? "" : line.strip();
        }
    }

    /** {@code openpista auth status}. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {"Shows every provider's login: method, account, expiry and where it comes from. Secrets are never shown."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        AuthCommand auth;

        @Override
        public Integer call() throws IOException, BundleException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = auth.main.setUpLogging(null);
            try (CommandRuntime runtime = CommandRuntime.start(home, err)) {
                List<ProviderAuthStatus> providers = runtime.service(AuthService.class, null).providers();
                out.println(table(providers, Instant.now()));
                out.println("Credentials: " + home.dir().resolve("credentials.toml"));
                return 0;
            } catch (CommandRuntime.ConfigurationProblem e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            } catch (AuthException e) {
                err.println("openpista: " + e.getMessage());
                return Main.FAILED;
            }
        }
    }

    /** {@code openpista auth logout [PROVIDER|--all]}. */
    @Command(
            name = "logout",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {"Removes a stored login (or all of them) from credentials.toml."})
    static final class Logout implements Callable<Integer> {

        @ParentCommand
        AuthCommand auth;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PROVIDER", description = "The provider whose login to remove.")
        String positional;

        @Option(names = "--provider", paramLabel = "PROVIDER", description = "The provider (same as PROVIDER).")
        String provider;

        @Option(names = "--all", description = "Remove every stored login.")
        boolean all;

        @Override
        public Integer call() throws IOException, BundleException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            String name = positional != null ? positional : provider;
            if ((name == null || name.isBlank()) == !all) {
                err.println("openpista: name one provider (PROVIDER or --provider P) or give --all");
                return Main.USAGE;
            }
            Home home = auth.main.setUpLogging(null);
            try (CommandRuntime runtime = CommandRuntime.start(home, err)) {
                AuthService service = runtime.service(AuthService.class, null);
                List<String> names = new ArrayList<>();
                if (all) {
                    service.providers().stream().filter(status -> status.source().equals("credentials.toml"))
                            .forEach(status -> names.add(status.name()));
                } else {
                    names.add(name.strip());
                }
                for (String login : names) {
                    out.println(service.logout(login) ? "Removed the stored " + login + " login."
                            : "No stored " + login + " login.");
                }
                if (names.isEmpty()) {
                    out.println("No stored logins.");
                }
                return 0;
            } catch (CommandRuntime.ConfigurationProblem e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            } catch (AuthException e) {
                err.println("openpista: " + e.getMessage());
                return Main.FAILED;
            }
        }
    }

    /** @return the status table: provider, method, account, expiry, source */
    static String table(List<ProviderAuthStatus> providers, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PROVIDER", "METHOD", "ACCOUNT", "EXPIRES", "SOURCE"});
        for (ProviderAuthStatus status : providers) {
            String method = status.method() != null ? status.method().wireName()
                    : status.authMode() == AuthMode.NONE ? "none needed" : "not logged in";
            rows.add(new String[] {status.name(), method, status.account().isEmpty() ? "-" : status.account(),
                    expiry(status, now), status.source().isEmpty() ? "-" : status.source()});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString().stripTrailing();
    }

    private static String expiry(ProviderAuthStatus status, Instant now) {
        Instant expires = status.expiresAt();
        if (status.method() == null) {
            return "-";
        }
        if (expires == null) {
            return "never";
        }
        if (!expires.isAfter(now)) {
            return "expired (refreshed on next use)";
        }
        Duration left = Duration.between(now, expires);
        String in = left.toHours() >= 48 ? left.toDays() + " d" : left.toHours() >= 1 ? left.toHours() + " h" : left.toMinutes() + " min";
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(expires) + " (in " + in + ")";
    }

    private static ProviderAuthStatus find(List<ProviderAuthStatus> providers, String name) {
        String wanted = switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "claude" -> "anthropic";
            case "responses", "chatgpt" -> "openai";
            case "copilot", "github" -> "github-copilot";
            case "gemini" -> "google";
            case "vercel" -> "vercel-ai-gateway";
            case "azure" -> "azure-openai";
            default -> name.strip().toLowerCase(Locale.ROOT);
        };
        Optional<ProviderAuthStatus> found = providers.stream().filter(status -> status.name().equals(wanted)).findFirst();
        return found.orElse(null);
    }

    private static String mode(AuthMode mode) {
        return switch (mode) {
            case OAUTH -> "browser login or key";
            case API_KEY -> "API key";
            case ENDPOINT_AND_KEY -> "endpoint and key";
            case NONE -> "no login";
        };
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Opens a URL in the desktop's browser, best effort and silently: the URL is printed anyway. */
    static final class Browser {
        private Browser() {}

        static void open(URI url) {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            List<String> command = os.contains("mac") ? List.of("open", url.toString())
                    : os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url.toString())
                    : List.of("xdg-open", url.toString());
            try {
                new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException noBrowser) {
                // no desktop here (ssh, container): the user opens the printed URL
            }
        }
    }
}
