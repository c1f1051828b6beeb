package org.openpista.auth.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.ProviderAuthStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored logins and their upkeep: hands out credentials, refreshing OAuth tokens that expire
 * within {@link #MARGIN}, stores new logins and removes old ones. Plain class over a {@link
 * CredentialFile}, a {@link Refresher} and a {@link Clock}, so refresh timing is testable without
 * waiting.
 *
 * <p>A refresh happens under the file's lock and re-reads the file first, so when two processes
 * find the same token expiring, the second uses what the first stored instead of spending the
 * (rotated, single-use) refresh token again. A failed refresh of a token that still works for a
 * few minutes is logged and the token handed out; once it has expired, the failure is an {@link
 * AuthException} telling the user to log in again.
 */
final class Logins {

    /** Tokens are refreshed when they expire within this margin. */
    static final Duration MARGIN = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

    /** Renews an expiring login. */
    @FunctionalInterface
    interface Refresher {
        /**
         * @return the login with fresh tokens
         * @throws AuthException when the vendor refuses or cannot be reached
         */
        StoredLogin refresh(String name, StoredLogin login) throws AuthException;
    }

    private final CredentialFile file;
    private final Refresher refresher;
    private final Clock clock;
    private final Function<String, String> env;
    private final Supplier<List<DeclaredProviders.Provider>> declared;
    private final Function<String, Endpoints> endpoints;
    /** Logins whose failed refresh was already reported, so the background check says it once. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param file the credentials file
     * @param refresher renews tokens
     * @param clock the time
     * @param env looks up environment variables, {@code null} when unset
     * @param declared the providers the installed bundles declare, asked on every listing
     * @param endpoints the endpoints of a login, for the API root of subscription tokens
     */
    Logins(CredentialFile file, Refresher refresher, Clock clock, Function<String, String> env,
            Supplier<List<DeclaredProviders.Provider>> declared, Function<String, Endpoints> endpoints) {
        this.file = file;
        this.refresher = refresher;
        this.clock = clock;
        this.env = env;
        this.declared = declared;
        this.endpoints = endpoints;
    }

    CredentialFile file() {
        return file;
    }

    /** @return the credential of a login, refreshed when it was about to expire */
    Optional<Credential> credential(String provider) throws AuthException {
        String name = Catalog.canonical(provider);
        StoredLogin login = file.read().get(name);
        if (login == null || !login.usable()) {
            return Optional.empty();
        }
        if (needsRefresh(login)) {
            login = refresh(name);
            if (login == null) {
                return Optional.empty();
            }
        }
        return Optional.of(credential(name, login));
    }

    /** Refreshes every stored login that expires within the margin; failures are logged once each. */
    void refreshDue() {
        Map<String, StoredLogin> logins;
        try {
            logins = file.read();
        } catch (AuthException e) {
            report("credentials", e.getMessage());
            return;
        }
        for (Map.Entry<String, StoredLogin> entry : logins.entrySet()) {
            if (!needsRefresh(entry.getValue())) {
                continue;
            }
            try {
                refresh(entry.getKey());
            } catch (AuthException e) {
                report(entry.getKey(), e.getMessage());
            }
        }
    }

    /** Stores a login, replacing the one of the same name. */
    void save(String provider, StoredLogin login) throws AuthException {
        String name = Catalog.canonical(provider);
        file.locked(() -> {
            Map<String, StoredLogin> logins = file.read();
            logins.put(name, login);
            file.write(logins);
            return null;
        });
        reported.remove(name);
    }

    /** @return whether a login of that name was stored and is now gone */
    boolean remove(String provider) throws AuthException {
        String name = Catalog.canonical(provider);
        return file.locked(() -> {
            Map<String, StoredLogin> logins = file.read();
            if (logins.remove(name) == null) {
                return false;
            }
            file.write(logins);
            return true;
        });
    }

    /**
     * @return every known login (the built-in ones, then those of providers that plugins declare)
     *     with its state, plus stored logins nobody declares
     */
    List<ProviderAuthStatus> statuses() throws AuthException {
        Map<String, StoredLogin> logins = new LinkedHashMap<>(file.read());
        List<DeclaredProviders.Provider> providers = declared.get();
        List<ProviderAuthStatus> statuses = new ArrayList<>();
        for (Catalog.Entry entry : Catalog.entries(providers)) {
            StoredLogin login = logins.remove(entry.name());
            statuses.add(status(entry.name(), entry.displayName(), entry.mode(), login,
                    DeclaredProviders.keyVariables(providers, entry.name())));
        }
        logins.forEach((name, login) -> statuses.add(status(name, name, AuthMode.API_KEY, login, List.of())));
        return statuses;
    }

    private ProviderAuthStatus status(String name, String display, AuthMode mode, StoredLogin login, List<String> variables) {
        if (login != null && login.usable()) {
            Credential credential = credential(name, login);
            return new ProviderAuthStatus(name, display, mode, true, true, login.method(), login.account(),
                    credential.expiresAt(), "credentials.toml");
        }
        for (String variable : variables) {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                return new ProviderAuthStatus(name, display, mode, true, true, AuthMethod.API_KEY, "", null, variable);
            }
        }
        return new ProviderAuthStatus(name, display, mode, mode == AuthMode.NONE, true, null, "", null, "");
    }

    /** @return whether the login's secret is a token that expires soon and can be renewed */
    private boolean needsRefresh(StoredLogin login) {
        return login.method() == AuthMethod.OAUTH && login.apiKey().isEmpty() && !login.refreshToken().isEmpty()
                && login.expiresAt() != null && !clock.instant().plus(MARGIN).isBefore(login.expiresAt());
    }

    /** @return the refreshed login, or {@code null} when it was removed meanwhile */
    private StoredLogin refresh(String name) throws AuthException {
        return file.locked(() -> {
            Map<String, StoredLogin> logins = file.read();
            StoredLogin current = logins.get(name);
            if (current == null || !current.usable()) {
                return null;
            }
            if (!needsRefresh(current)) {
                return current; // another thread or process refreshed it meanwhile
            }
            StoredLogin renewed;
            try {
                renewed = refresher.refresh(name, current);
            } catch (AuthException e) {
                Instant expiry = current.expiresAt();
                String message = "the " + name + " login could not be refreshed: " + e.getMessage()
                        + "; log in again: openpista auth login " + name;
                if (clock.instant().isBefore(expiry)) {
                    report(name, message + " (the current token still works until " + expiry + ")");
                    return current;
                }
                throw new AuthException(message, e);
            }
            logins.put(name, renewed);
            file.write(logins);
            reported.remove(name);
            LOG.info("Refreshed the {} login; it now expires at {}", name, renewed.expiresAt());
            return renewed;
        });
    }

    private Credential credential(String name, StoredLogin login) {
        boolean key = !login.apiKey().isEmpty();
        Map<String, String> attributes = new LinkedHashMap<>();
        String endpoint = login.endpoint();
        if (name.equals("openai") && login.method() == AuthMethod.OAUTH && !key) {
            // a ChatGPT subscription token works against the ChatGPT backend's Responses API only
            attributes.put(Credential.PROTOCOL, "responses");
            if (endpoint.isEmpty()) {
                endpoint = endpoints.apply(name).apiUrl();
            }
        }
        if (name.equals("bedrock") && REGION.matcher(endpoint).matches()) {
            attributes.put(Credential.REGION, endpoint);
            endpoint = "";
        }
        return new Credential(name, login.method(), key ? login.apiKey() : login.accessToken(), login.accountId(),
                login.account(), endpoint, key ? null : login.expiresAt(), attributes);
    }

    private void report(String name, String message) {
        if (reported.add(name)) {
            LOG.warn("{}", message);
        }
    }
}
