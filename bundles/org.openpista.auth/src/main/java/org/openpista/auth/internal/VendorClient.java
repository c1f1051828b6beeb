package org.openpista.auth.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the vendors' login protocols: code and device-code exchanges, refreshes and key
 * exchanges, each turned into a {@link StoredLogin}. Failures become one-line {@link
 * AuthException}s built from the OAuth {@code error} and {@code error_description} (or the vendor's
 * {@code message}), with every secret of the request blotted out should the server echo it.
 */
final class VendorClient {

    private static final Logger LOG = LoggerFactory.getLogger(VendorClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    /** Headers GitHub's Copilot endpoints expect from an editor integration. */
    private static final Map<String, String> COPILOT_HEADERS = Map.of(
            "user-agent", "GitHubCopilotChat/0.26.7", "editor-version", "vscode/1.99.3",
            "editor-plugin-version", "copilot-chat/0.26.7");

    private final Duration timeout;
    private final Clock clock;
    /** Made at the first exchange: a JDK client starts its selector thread when built, and most daemons never log in. */
    private HttpClient http;

    VendorClient(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    // ---- OpenAI --------------------------------------------------------------------------------

    /** Exchanges an authorization code; then, where the vendor allows it, the id_token for an API key. */
    StoredLogin openAiCode(Endpoints endpoints, String code, String verifier, String redirectUri) throws AuthException {
        JsonNode tokens = postForm("the OpenAI token exchange", endpoints.tokenUrl(), Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                "client_id", endpoints.clientId(), "code_verifier", verifier), Map.of());
        String access = require(tokens, "access_token", "the OpenAI token exchange");
        String idToken = tokens.path("id_token").asText("");
        String apiKey = idToken.isEmpty() ? "" : openAiApiKey(endpoints, idToken);
        String accountId = Jwt.chatGptAccountId(idToken);
        if (accountId.isEmpty()) {
            accountId = Jwt.chatGptAccountId(access);
        }
        String email = Jwt.email(idToken);
        return new StoredLogin(AuthMethod.OAUTH, apiKey, access, tokens.path("refresh_token").asText(""), idToken,
                expiry(tokens, access), email, accountId, "");
    }

    /**
     * @return an API key for the id_token, or empty when the vendor refuses (it does for ChatGPT
     *     accounts without an API organization; their login then works with the Responses API only)
     */
    private String openAiApiKey(Endpoints endpoints, String idToken) {
        try {
            JsonNode answer = postForm("the OpenAI API key exchange", endpoints.tokenUrl(), Map.of(
                    "grant_type", TOKEN_EXCHANGE, "client_id", endpoints.clientId(), "requested_token", "openai-api-key",
                    "subject_token", idToken, "subject_token_type", "urn:ietf:params:oauth:token-type:id_token"), Map.of());
            return answer.path("access_token").asText("");
        } catch (AuthException e) {
            LOG.info("No API key for this OpenAI login ({}); it will be used with the Responses API only", e.getMessage());
            return "";
        }
    }

    StoredLogin openAiRefresh(Endpoints endpoints, StoredLogin login) throws AuthException {
        JsonNode tokens = postForm("the OpenAI token refresh", endpoints.tokenUrl(), Map.of(
                "grant_type", "refresh_token", "refresh_token", login.refreshToken(), "client_id", endpoints.clientId(),
                "scope", "openid profile email"), Map.of());
        String access = require(tokens, "access_token", "the OpenAI token refresh");
        return login.renewed(access, tokens.path("refresh_token").asText(""), tokens.path("id_token").asText(""),
                expiry(tokens, access));
    }

    // ---- Anthropic -----------------------------------------------------------------------------

    StoredLogin anthropicCode(Endpoints endpoints, String code, String state, String verifier) throws AuthException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("state", state);
        body.put("client_id", endpoints.clientId());
        body.put("redirect_uri", endpoints.redirectUri());
        body.put("code_verifier", verifier);
        JsonNode tokens = postJson("the Anthropic token exchange", endpoints.tokenUrl(), body);
        String access = require(tokens, "access_token", "the Anthropic token exchange");
        String email = tokens.path("account").path("email_address").asText("");
        return new StoredLogin(AuthMethod.OAUTH, "", access, tokens.path("refresh_token").asText(""), "",
                expiry(tokens, access), email, tokens.path("account").path("uuid").asText(""), "");
    }

    StoredLogin anthropicRefresh(Endpoints endpoints, StoredLogin login) throws AuthException {
        JsonNode tokens = postJson("the Anthropic token refresh", endpoints.tokenUrl(), Map.of(
                "grant_type", "refresh_token", "refresh_token", login.refreshToken(), "client_id", endpoints.clientId()));
        String access = require(tokens, "access_token", "the Anthropic token refresh");
        return login.renewed(access, tokens.path("refresh_token").asText(""), "", expiry(tokens, access));
    }

    // ---- OpenRouter ----------------------------------------------------------------------------

    StoredLogin openRouterKey(Endpoints endpoints, String code, String verifier) throws AuthException {
        JsonNode answer = postJson("the OpenRouter key exchange", endpoints.keyUrl(), Map.of(
                "code", code, "code_verifier", verifier, "code_challenge_method", "S256"));
        String key = require(answer, "key", "the OpenRouter key exchange");
        return new StoredLogin(AuthMethod.OAUTH, key, "", "", "", null, "", answer.path("user_id").asText(""), "");
    }

    // ---- GitHub Copilot ------------------------------------------------------------------------

    /** A started device login. */
    record Device(String deviceCode, String userCode, URI verificationUri, Duration interval, Instant expiresAt) {
        @Override
        public String toString() {
            return "Device[" + userCode + ", " + verificationUri + "]";
        }
    }

    /** One poll of a device login: a token, or why not yet. */
    record Poll(String token, String error, String description) {
        @Override
        public String toString() {
            return "Poll[" + (token.isEmpty() ? error : "token") + "]";
        }
    }

    Device githubDevice(Endpoints endpoints) throws AuthException {
        JsonNode answer = postForm("the GitHub device code request", endpoints.deviceUrl(), Map.of(
                "client_id", endpoints.clientId(), "scope", endpoints.scope()), Map.of("accept", "application/json"));
        String device = require(answer, "device_code", "the GitHub device code request");
        String user = require(answer, "user_code", "the GitHub device code request");
        URI verification;
        try {
            verification = URI.create(require(answer, "verification_uri", "the GitHub device code request"));
        } catch (IllegalArgumentException e) {
            throw new AuthException("the GitHub device code request answered a malformed verification_uri");
        }
        return new Device(device, user, verification, Duration.ofSeconds(Math.max(1, answer.path("interval").asLong(5))),
                clock.instant().plusSeconds(Math.max(60, answer.path("expires_in").asLong(900))));
    }

    Poll githubPoll(Endpoints endpoints, String deviceCode) throws AuthException {
        JsonNode answer = postForm("the GitHub device login", endpoints.tokenUrl(), Map.of(
                "client_id", endpoints.clientId(), "device_code", deviceCode, "grant_type", DEVICE_GRANT),
                Map.of("accept", "application/json"));
        String token = answer.path("access_token").asText("");
        return new Poll(token, answer.path("error").asText(token.isEmpty() ? "no_token" : ""),
                answer.path("error_description").asText(""));
    }

    /** Exchanges a GitHub token for a Copilot token; the GitHub token is kept to get the next one. */
    StoredLogin copilotToken(Endpoints endpoints, String githubToken, String account) throws AuthException {
        Map<String, String> headers = new LinkedHashMap<>(COPILOT_HEADERS);
        headers.put("authorization", "token " + githubToken);
        headers.put("accept", "application/json");
        JsonNode answer = get("the Copilot token exchange", endpoints.copilotTokenUrl(), headers, githubToken);
        String token = require(answer, "token", "the Copilot token exchange");
        long expires = answer.path("expires_at").asLong(0);
        Instant expiry = expires > 0 ? Instant.ofEpochSecond(expires) : clock.instant().plus(Duration.ofMinutes(25));
        return new StoredLogin(AuthMethod.OAUTH, "", token, githubToken, "", expiry, account, "",
                answer.path("endpoints").path("api").asText(""));
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private JsonNode postForm(String what, String url, Map<String, String> form, Map<String, String> headers) throws AuthException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = request(what, url).header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::setHeader);
        return send(what, request.build(), form.values().toArray(String[]::new));
    }

    private JsonNode postJson(String what, String url, Map<String, String> fields) throws AuthException {
        String body;
        try {
            body = JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
        HttpRequest request = request(what, url).header("content-type", "application/json").header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(what, request, fields.values().toArray(String[]::new));
    }

    private JsonNode get(String what, String url, Map<String, String> headers, String secret) throws AuthException {
        HttpRequest.Builder request = request(what, url).GET();
        headers.forEach(request::setHeader);
        return send(what, request.build(), secret);
    }

    private HttpRequest.Builder request(String what, String url) throws AuthException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new AuthException(what + ": the endpoint '" + url + "' is not an http(s) URL; check [auth] in config.toml");
        }
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    private JsonNode send(String what, HttpRequest request, String... secrets) throws AuthException {
        HttpResponse<String> response;
        try {
            response = http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AuthException(what + " failed: no answer from " + request.uri().getHost() + " within "
                    + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new AuthException(what + " failed: cannot reach " + request.uri().getHost() + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthException(what + " was interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() / 100 != 2) {
            throw new AuthException(what + " failed: HTTP " + response.statusCode() + reason(body, secrets));
        }
        if (body == null || !body.isObject()) {
            throw new AuthException(what + " failed: the answer of " + request.uri().getHost() + " is not a JSON object");
        }
        return body;
    }

    /** @return ": error: description" from an OAuth or vendor error body, secrets blotted out; else empty */
    private static String reason(JsonNode body, String... secrets) {
        if (body == null) {
            return "";
        }
        String error = body.path("error").isTextual() ? body.path("error").asText()
                : body.path("error").path("type").asText(body.path("error").path("code").asText(""));
        String description = body.path("error_description").asText(
                body.path("error").path("message").asText(body.path("message").asText("")));
        String text = (error + (error.isEmpty() || description.isEmpty() ? "" : ": ") + description).replaceAll("\\s+", " ").strip();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 6) {
                text = text.replace(secret, "***");
            }
        }
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        return text.isEmpty() ? "" : " (" + text + ")";
    }

    private static String require(JsonNode answer, String field, String what) throws AuthException {
        String value = answer.path(field).asText("");
        if (value.isEmpty()) {
            throw new AuthException(what + " failed: the answer has no " + field);
        }
        return value;
    }

    /** @return the expiry from {@code expires_in}, else from the token's {@code exp} claim, else {@code null} */
    private Instant expiry(JsonNode tokens, String accessToken) {
        long seconds = tokens.path("expires_in").asLong(0);
        return seconds > 0 ? clock.instant().plusSeconds(seconds) : Jwt.expiry(accessToken);
    }
}
