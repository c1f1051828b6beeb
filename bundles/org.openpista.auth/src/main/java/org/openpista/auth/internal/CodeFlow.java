package org.openpista.auth.internal;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginResult;

/**
 * Anthropic's code-display login: authorization code with PKCE, where the vendor's page shows the
 * code as {@code code#state} and the user pastes it back. A pasted state that is not this flow's is
 * refused; the code is then exchanged (with the state, as Anthropic's token endpoint requires).
 */
final class CodeFlow extends AbstractFlow {

    private final String provider;
    private final Endpoints endpoints;
    private final VendorClient vendor;
    private final Logins logins;
    private final Pkce pkce;
    private final CompletableFuture<String> pasted = new CompletableFuture<>();

    private CodeFlow(String provider, URI url, Duration timeout, Endpoints endpoints, VendorClient vendor, Logins logins, Pkce pkce) {
        super(provider, FlowType.CODE_DISPLAY, url, timeout);
        this.provider = provider;
        this.endpoints = endpoints;
        this.vendor = vendor;
        this.logins = logins;
        this.pkce = pkce;
    }

    static CodeFlow start(String provider, Endpoints endpoints, VendorClient vendor, Logins logins, Duration timeout)
            throws AuthException {
        BrowserFlow.require(endpoints.authorizeUrl(), provider, "authorize_url");
        BrowserFlow.require(endpoints.tokenUrl(), provider, "token_url");
        BrowserFlow.require(endpoints.redirectUri(), provider, "redirect_uri");
        Pkce pkce = Pkce.create();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("code", "true");
        query.put("client_id", endpoints.clientId());
        query.put("response_type", "code");
        query.put("redirect_uri", endpoints.redirectUri());
        query.put("scope", endpoints.scope());
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", "S256");
        query.put("state", pkce.state());
        URI url = URI.create(endpoints.authorizeUrl() + (endpoints.authorizeUrl().contains("?") ? "&" : "?")
                + BrowserFlow.encode(query));
        CodeFlow flow = new CodeFlow(provider, url, timeout, endpoints, vendor, logins, pkce);
        flow.start();
        return flow;
    }

    @Override
    public void submitCode(String code) {
        if (ended() || pasted.isDone()) {
            throw new IllegalStateException("the " + provider + " login has already ended or has its code");
        }
        pasted.complete(code == null ? "" : code);
    }

    @Override
    LoginResult run() throws AuthException, Timeout, InterruptedException {
        String text;
        try {
            text = pasted.get(remaining().toMillis(), TimeUnit.MILLISECONDS).strip();
        } catch (TimeoutException e) {
            throw new Timeout();
        } catch (ExecutionException e) {
            throw new AuthException("no code was given for the " + provider + " login");
        }
        int hash = text.indexOf('#');
        String code = hash < 0 ? text : text.substring(0, hash).strip();
        String state = hash < 0 ? pkce.state() : text.substring(hash + 1).strip();
        if (code.isEmpty()) {
            throw new AuthException("the pasted " + provider + " code is empty; run the login again and paste the whole code");
        }
        if (!state.equals(pkce.state())) {
            throw new AuthException("the pasted code belongs to another " + provider + " login (its state does not match);"
                    + " run the login again and paste the code it shows");
        }
        StoredLogin login = vendor.anthropicCode(endpoints, code, state, pkce.verifier());
        logins.save(provider, login);
        String who = login.account().isEmpty() ? "" : " as " + login.account();
        return new LoginResult(provider, true, "logged in to " + provider + who, login.account());
    }
}
