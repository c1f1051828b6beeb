package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.describe;
import static org.openpista.channel.support.FrameFields.oneLine;
import static org.openpista.channel.support.FrameFields.requiredId;
import static org.openpista.channel.support.FrameFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.channel.support.FrameFields;

/**
 * Provider logins from the browser: {@code provider_auth_request} lists the providers and whether
 * they have a credential; {@code provider_login} saves an API key, starts a login (browser redirect
 * or device code) or completes one with a pasted code, through the {@link AuthService} of the auth
 * bundle when it runs. One login per provider waits at a time.
 */
final class ProviderLogins implements AutoCloseable {

    private final OptionalServices services;
    private final SlowWork slow;
    private final Map<String, LoginFlow> flows = new ConcurrentHashMap<>();

    ProviderLogins(OptionalServices services, SlowWork slow) {
        this.services = services;
        this.slow = slow;
    }

    /** Answers {@code provider_auth_request}. */
    void status(Connection connection) {
        AuthService auth = require();
        ObjectNode frame = Frames.frame("provider_auth_status");
        ArrayNode list = frame.putArray("providers");
        List<ProviderAuthStatus> statuses;
        try {
            statuses = auth.providers();
        } catch (AuthException e) {
            connection.send(Frames.error("auth_failed", oneLine(e.getMessage())).put("in_reply_to", "provider_auth_request"));
            return;
        }
        for (ProviderAuthStatus status : statuses) {
            ObjectNode item = list.addObject()
                    .put("name", status.name())
                    .put("display_name", status.displayName())
                    .put("auth_mode", status.authMode().wireName())
                    .put("authenticated", status.authenticated())
                    .put("supports_runtime", status.supportsRuntime());
            if (status.method() != null) {
                item.put("method", status.method().wireName());
            }
            if (!status.account().isEmpty()) {
                item.put("account", status.account());
            }
            if (status.expiresAt() != null) {
                item.put("expires_at", Frames.time(status.expiresAt()));
            }
        }
        connection.send(frame);
    }

    /** Answers {@code provider_login}: an API key, a pasted code, or else a new login. */
    void login(Connection connection, JsonNode frame) {
        AuthService auth = require();
        String provider = requiredId(frame, "provider");
        String apiKey = text(frame, "api_key");
        String endpoint = text(frame, "endpoint");
        String code = text(frame, "auth_code");
        try {
            if (apiKey != null && !apiKey.isBlank()) {
                auth.saveApiKey(provider, apiKey.strip(), endpoint == null ? "" : endpoint.strip());
                connection.send(completed(provider, true, "Saved the API key for " + provider + "."));
                status(connection);
            } else if (code != null && !code.isBlank()) {
                LoginFlow flow = flows.get(provider);
                if (flow == null) {
                    connection.send(completed(provider, false,
                            "No login of " + provider + " is waiting for a code; start the login again."));
                    return;
                }
                flow.submitCode(code.strip());
            } else {
                start(connection, auth, provider);
            }
        } catch (AuthException | IllegalStateException e) {
            connection.send(completed(provider, false, oneLine(e.getMessage())));
        }
    }

    private void start(Connection connection, AuthService auth, String provider) throws AuthException {
        LoginFlow previous = flows.remove(provider);
        if (previous != null) {
            previous.cancel();
        }
        LoginFlow flow = auth.startLogin(provider);
        flows.put(provider, flow);
        ObjectNode url = Frames.frame("provider_auth_url")
                .put("provider", provider)
                .put("auth_url", flow.url().toString())
                .put("flow_type", flow.type().wireName());
        if (!flow.userCode().isEmpty()) {
            url.put("user_code", flow.userCode());
        }
        connection.send(url);
        flow.result().whenComplete((result, failure) -> {
            flows.remove(provider, flow);
            LoginResult outcome = result != null ? result
                    : LoginResult.failed(provider, "the login failed: " + describe(failure));
            connection.send(completed(provider, outcome.success(), outcome.message()));
            if (outcome.success()) {
                slow.run(connection, "provider_auth_request", () -> status(connection));
            }
        });
    }

    private static ObjectNode completed(String provider, boolean success, String message) {
        return Frames.frame("provider_auth_completed").put("provider", provider).put("success", success).put("message", message);
    }

    private AuthService require() {
        AuthService auth = services.auth();
        if (auth == null) {
            throw new FrameFields.Unavailable("provider logins are not available: the auth bundle is not running "
                    + "(use `openpista auth login` on the command line)");
        }
        return auth;
    }

    @Override
    public void close() {
        flows.values().forEach(LoginFlow::cancel);
    }
}
