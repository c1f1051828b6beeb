package org.openpista.auth.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Logins and stored credentials: registers the {@link AuthService} the command line and channels
 * log in through, and the {@link CredentialStore} providers take their credentials from, both over
 * {@code $OPENPISTA_HOME/credentials.toml}. While it runs, a background check refreshes OAuth
 * tokens that expire within five minutes, so a long-running daemon never hands out an expired one.
 *
 * <p>Configuration PID {@value #PID} ({@code [auth]} in {@code config.toml}); besides the settings
 * below it takes per-vendor endpoint overrides as {@code <provider>.<key>} properties, see {@link
 * Endpoints}.
 */
@SettingsSection(value = "auth", pid = AuthComponent.PID, tables = {"openai", "anthropic", "openrouter", "github-copilot"},
        formats = {"authorize_url=url", "token_url=url", "device_url=url", "key_url=url", "copilot_token_url=url",
            "redirect_uri=url", "api_url=url"})
@Component(service = {AuthService.class, CredentialStore.class}, configurationPid = AuthComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AuthComponent.Config.class)
public final class AuthComponent implements AuthService, CredentialStore {

    /** The configuration PID. */
    static final String PID = "org.openpista.auth";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

    /** Settings of {@code [auth]}. */
    @ObjectClassDefinition(name = "Logins", description = "Provider logins (openpista auth login) and credentials.toml.")
    public @interface Config {
        @AttributeDefinition(name = "Login timeout", description = "Seconds a login waits for the browser, code or device.",
                min = "1", max = "86400")
        int login_timeout_secs() default 600;

        @AttributeDefinition(name = "HTTP timeout", description = "Seconds a request to a login endpoint may take.", min = "1",
                max = "3600")
        int http_timeout_secs() default 30;

        @AttributeDefinition(name = "Refresh check", description = "Seconds between the daemon's looks for tokens to refresh.",
                min = "1", max = "86400")
        int refresh_check_secs() default 60;
    }

    private final Supplier<List<DeclaredProviders.Provider>> declared;
    private final Logins logins;
    private final VendorClient vendor;
    private final Map<String, ?> properties;
    private final Duration loginTimeout;
    private final ScheduledExecutorService refresher;
    private final Map<String, LoginFlow> running = new ConcurrentHashMap<>();

    @Activate
    public AuthComponent(BundleContext context, Config config, Map<String, Object> properties) {
        this(ConfigurationLoader.home(context), config, properties, Clock.systemUTC(), () -> DeclaredProviders.installed(context),
                name -> ConfigurationLoader.getenv(context, name));
    }

    /**
     * @param declared the providers the installed bundles declare, asked anew on every use
     * @param env looks up an environment variable, {@code null} when unset
     */
    AuthComponent(Path home, Config config, Map<String, ?> properties, Clock clock,
            Supplier<List<DeclaredProviders.Provider>> declared, Function<String, String> env) {
        this.declared = declared;
        this.properties = Map.copyOf(properties);
        this.vendor = new VendorClient(Duration.ofSeconds(Math.max(1, config.http_timeout_secs())), clock);
        this.loginTimeout = Duration.ofSeconds(Math.max(1, config.login_timeout_secs()));
        this.logins = new Logins(new CredentialFile(home.resolve("credentials.toml")), this::refresh, clock, env, declared,
                this::endpoints);
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-token-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, config.refresh_check_secs());
        refresher.scheduleWithFixedDelay(logins::refreshDue, every, every, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
        running.values().forEach(LoginFlow::cancel);
    }

    @Override
    public Optional<Credential> credential(String provider) throws AuthException {
        return logins.credential(provider);
    }

    @Override
    public List<ProviderAuthStatus> providers() throws AuthException {
        return logins.statuses();
    }

    @Override
    public LoginFlow startLogin(String provider) throws AuthException {
        Catalog.Entry entry = entry(provider);
        String name = entry.name();
        // one login per provider at a time: the loopback port of a vendor's client is fixed
        LoginFlow previous = running.remove(name);
        if (previous != null) {
            previous.cancel();
        }
        Endpoints endpoints = endpoints(name);
        AbstractFlow flow = switch (entry.oauth()) {
            case OPENAI, OPENROUTER -> BrowserFlow.start(name, endpoints, vendor, logins, loginTimeout);
            case ANTHROPIC -> CodeFlow.start(name, endpoints, vendor, logins, loginTimeout);
            case GITHUB_DEVICE -> DeviceFlow.start(name, endpoints, vendor, logins, loginTimeout);
            case NONE -> throw new AuthException(name + " has no browser login: it takes " + (entry.mode() == AuthMode.NONE
                    ? "no credentials at all" : "an API key (openpista auth login " + name + " asks for it)"));
        };
        running.put(name, flow);
        flow.result().whenComplete((result, failure) -> running.remove(name, flow));
        return flow;
    }

    @Override
    public ProviderAuthStatus saveApiKey(String provider, String apiKey, String endpoint) throws AuthException {
        Catalog.Entry entry = entry(provider);
        String key = apiKey == null ? "" : apiKey.strip();
        if (key.isEmpty()) {
            throw new AuthException("the API key for " + entry.name() + " is empty");
        }
        if (key.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new AuthException("the API key for " + entry.name() + " contains spaces or control characters; paste the key"
                    + " alone");
        }
        String where = endpoint == null ? "" : endpoint.strip();
        if (entry.mode() == AuthMode.ENDPOINT_AND_KEY) {
            where = checkEndpoint(entry.name(), where);
        } else if (!where.isEmpty()) {
            where = checkEndpoint(entry.name(), where);
        }
        logins.save(entry.name(), StoredLogin.key(key, where));
        return logins.statuses().stream().filter(status -> status.name().equals(entry.name())).findFirst().orElseThrow();
    }

    @Override
    public boolean logout(String provider) throws AuthException {
        return logins.remove(Catalog.canonical(provider));
    }

    /** @return the providers the installed bundles declare now */
    List<DeclaredProviders.Provider> declared() {
        return declared.get();
    }

    /** @return the endpoints of a login, with the overrides from {@code [auth.<provider>]} */
    Endpoints endpoints(String name) {
        return Endpoints.of(name, properties);
    }

    /** Renews an expiring login with its vendor's protocol. */
    private StoredLogin refresh(String name, StoredLogin login) throws AuthException {
        Endpoints endpoints = endpoints(name);
        return switch (name) {
            case "openai" -> vendor.openAiRefresh(endpoints, login);
            case "anthropic" -> vendor.anthropicRefresh(endpoints, login);
            case "github-copilot" -> vendor.copilotToken(endpoints, login.refreshToken(), login.account());
            default -> throw new AuthException("openpista cannot refresh a " + name + " login");
        };
    }

    private Catalog.Entry entry(String provider) throws AuthException {
        List<DeclaredProviders.Provider> providers = declared.get();
        return Catalog.find(provider, providers).orElseThrow(() -> new AuthException("unknown provider '" + provider
                + "': use one of " + Catalog.names(providers)));
    }

    private static String checkEndpoint(String name, String endpoint) throws AuthException {
        if (endpoint.isEmpty()) {
            throw new AuthException(name + " needs an endpoint besides the key: " + (name.equals("bedrock")
                    ? "the AWS region, for example us-east-1" : "the API root URL, for example https://NAME.openai.azure.com"));
        }
        if (name.equals("bedrock") && REGION.matcher(endpoint.toLowerCase(Locale.ROOT)).matches()) {
            return endpoint.toLowerCase(Locale.ROOT);
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new AuthException("the endpoint '" + endpoint + "' for " + name + " is not an http(s) URL"
                    + (name.equals("bedrock") ? " or an AWS region" : ""));
        }
        String text = endpoint;
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

}
