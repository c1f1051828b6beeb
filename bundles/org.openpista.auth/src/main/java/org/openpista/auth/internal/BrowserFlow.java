package org.openpista.auth.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginResult;

/**
 * A browser login that comes back to a loopback server: OpenAI (authorization code with PKCE,
 * then the id_token → API key exchange) and OpenRouter (PKCE code → API key). The callback must
 * carry the {@code state} this flow sent, or it is refused as not ours. The loopback server is
 * closed after the callback, on timeout and on cancellation.
 */
final class BrowserFlow extends AbstractFlow {

    private final String provider;
    private final Endpoints endpoints;
    private final VendorClient vendor;
    private final Logins logins;
    private final Pkce pkce;
    private final LoopbackServer server;
    private final String redirectUri;

    private BrowserFlow(String provider, URI url, Duration timeout, Endpoints endpoints, VendorClient vendor, Logins logins,
            Pkce pkce, LoopbackServer server, String redirectUri) {
        super(provider, FlowType.REDIRECT, url, timeout);
        this.provider = provider;
        this.endpoints = endpoints;
        this.vendor = vendor;
        this.logins = logins;
        this.pkce = pkce;
        this.server = server;
        this.redirectUri = redirectUri;
    }

    /** Opens the loopback server and starts waiting for the callback. */
    static BrowserFlow start(String provider, Endpoints endpoints, VendorClient vendor, Logins logins, Duration timeout)
            throws AuthException {
        Pkce pkce = Pkce.create();
        boolean openRouter = provider.equals("openrouter");
        require(openRouter ? endpoints.keyUrl() : endpoints.tokenUrl(), provider, openRouter ? "key_url" : "token_url");
        require(endpoints.authorizeUrl(), provider, "authorize_url");
        LoopbackServer server = LoopbackServer.open(endpoints.callbackPort(), openRouter ? "/callback" : "/auth/callback");
        Map<String, String> query = new LinkedHashMap<>();
        String redirect;
        if (openRouter) {
            // OpenRouter has no state parameter; it keeps the callback URL's own query, so the state rides there
            redirect = "http://localhost:" + server.port() + "/callback?state=" + pkce.state();
            query.put("callback_url", redirect);
            query.put("code_challenge", pkce.challenge());
            query.put("code_challenge_method", "S256");
        } else {
            redirect = "http://localhost:" + server.port() + "/auth/callback";
            query.put("response_type", "code");
            query.put("client_id", endpoints.clientId());
            query.put("redirect_uri", redirect);
            query.put("scope", endpoints.scope());
            query.put("code_challenge", pkce.challenge());
            query.put("code_challenge_method", "S256");
            query.put("id_token_add_organizations", "true");
            query.put("codex_cli_simplified_flow", "true");
            query.put("state", pkce.state());
        }
        URI url = URI.create(endpoints.authorizeUrl() + (endpoints.authorizeUrl().contains("?") ? "&" : "?") + encode(query));
        BrowserFlow flow = new BrowserFlow(provider, url, timeout, endpoints, vendor, logins, pkce, server, redirect);
        flow.start();
        return flow;
    }

    @Override
    LoginResult run() throws AuthException, Timeout, InterruptedException {
        Map<String, String> callback;
        try {
            callback = server.callback().get(remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Timeout();
        } catch (ExecutionException closed) {
            throw new InterruptedException("the callback server was closed");
        } finally {
            server.close();
        }
        if (!pkce.state().equals(callback.get("state"))) {
            throw new AuthException("the " + provider + " login callback did not carry the state this login sent, so it"
                    + " was refused (it may come from another login or a forged link); run the login again");
        }
        if (callback.containsKey("error")) {
            String description = callback.getOrDefault("error_description", "");
            throw new AuthException("the " + provider + " login was refused: " + callback.get("error")
                    + (description.isEmpty() ? "" : " (" + description + ")"));
        }
        String code = callback.getOrDefault("code", "");
        if (code.isEmpty()) {
            throw new AuthException("the " + provider + " login callback carried no authorization code");
        }
        StoredLogin login = provider.equals("openrouter")
                ? vendor.openRouterKey(endpoints, code, pkce.verifier())
                : vendor.openAiCode(endpoints, code, pkce.verifier(), redirectUri);
        logins.save(provider, login);
        String who = login.account().isEmpty() ? "" : " as " + login.account();
        String note = provider.equals("openai") && login.apiKey().isEmpty()
                ? " (ChatGPT subscription without API key: use it with provider = \"responses\")"
                : "";
        return new LoginResult(provider, true, "logged in to " + provider + who + note, login.account());
    }

    @Override
    void cleanUp() {
        server.close();
    }

    static void require(String url, String provider, String key) throws AuthException {
        if (url == null || url.isBlank()) {
            throw new AuthException("the " + provider + " login has no " + key + ": set it under [auth." + provider
                    + "] in config.toml");
        }
    }

    static String encode(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("&"));
    }
}
