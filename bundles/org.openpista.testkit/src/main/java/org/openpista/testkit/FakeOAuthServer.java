package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake OAuth 2.0 authorization server on 127.0.0.1 that speaks the flows openpista's logins use,
 * at the paths the real vendors use:
 *
 * <ul>
 *   <li>Authorization code with PKCE (OpenAI, Anthropic): {@code GET /oauth/authorize} checks the
 *       parameters and redirects (302) to {@code redirect_uri} with {@code code} and the {@code
 *       state} it was given; {@code POST /oauth/token} (form or JSON body) exchanges the code only
 *       for the {@code code_verifier} whose S256 hash is the {@code code_challenge}, the same {@code
 *       redirect_uri} and client, and, when the request names a {@code state} (Anthropic does), the
 *       state of the authorization. Codes are single-use. {@code GET /oauth/code/callback} is the
 *       vendor page of the code-display flow: it shows {@code code#state}.
 *   <li>Refresh: {@code grant_type=refresh_token} with the current refresh token gives new tokens
 *       and a new refresh token; the old one stops working (rotation, as OpenAI does).
 *   <li>OpenAI's id_token → API key exchange: {@code
 *       grant_type=urn:ietf:params:oauth:grant-type:token-exchange} with {@code
 *       requested_token=openai-api-key} and an id_token this server issued.
 *   <li>Device code (GitHub): {@code POST /login/device/code} gives a device code and a user code;
 *       {@code POST /login/oauth/access_token} with {@code
 *       grant_type=urn:ietf:params:oauth:grant-type:device_code} answers {@code
 *       authorization_pending} until someone opens {@code GET /login/device?user_code=…} (the
 *       "browser step" of a test), then an access token. {@code GET /copilot_internal/v2/token}
 *       with {@code Authorization: token <github token>} exchanges it for a short-lived Copilot
 *       token.
 *   <li>OpenRouter: {@code GET /auth?callback_url=…&code_challenge=…} redirects to the callback URL
 *       with a {@code code}; {@code POST /api/v1/auth/keys} with {@code code} and {@code
 *       code_verifier} gives a key.
 * </ul>
 *
 * <p>Access tokens and id_tokens are JWTs (HS256 with a key only this server knows) whose claims
 * carry {@code email} and OpenAI's {@code https://api.openai.com/auth.chatgpt_account_id}. Errors
 * are the OAuth JSON {@code {"error": "...", "error_description": "..."}} with status 400 (401 for
 * bad client credentials). Every request is recorded.
 */
public final class FakeOAuthServer implements AutoCloseable {

    /** The ChatGPT account id the tokens' claims carry unless a test sets another. */
    public static final String DEFAULT_ACCOUNT_ID = "acct-fake-0001";
    /** The e-mail the tokens' claims carry unless a test sets another. */
    public static final String DEFAULT_EMAIL = "ada@example.test";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

    private final LoopbackHttpServer server;
    private final SecureRandom random = new SecureRandom();
    private final byte[] signingKey = new byte[32];
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> idTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> githubTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger copilotExchanges = new AtomicInteger();
    private volatile Duration tokenLifetime = Duration.ofHours(1);
    private volatile Duration copilotLifetime = Duration.ofMinutes(30);
    private volatile String accountId = DEFAULT_ACCOUNT_ID;
    private volatile String email = DEFAULT_EMAIL;
    private volatile String requiredClientId;
    private volatile boolean keyExchange = true;
    private volatile boolean refusingRefresh;
    private volatile boolean denying;
    private volatile String copilotApi = "";
    private volatile int deviceInterval = 1;

    /** Starts the fake on 127.0.0.1 with an ephemeral port. */
    public FakeOAuthServer() {
        random.nextBytes(signingKey);
        server = new LoopbackHttpServer("fake OAuth server", 0, this::dispatch);
    }

    // ---- where things are ----------------------------------------------------------------------

    /** @return {@code http://127.0.0.1:PORT} */
    public URI root() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** @return the authorization endpoint ({@code /oauth/authorize}) */
    public URI authorizeUrl() {
        return root().resolve("/oauth/authorize");
    }

    /** @return the token endpoint ({@code /oauth/token}) */
    public URI tokenUrl() {
        return root().resolve("/oauth/token");
    }

    /** @return the page that shows the code in the code-display flow, to use as {@code redirect_uri} */
    public URI codeDisplayUrl() {
        return root().resolve("/oauth/code/callback");
    }

    /** @return GitHub's device code endpoint ({@code /login/device/code}) */
    public URI deviceCodeUrl() {
        return root().resolve("/login/device/code");
    }

    /** @return GitHub's token endpoint for device codes ({@code /login/oauth/access_token}) */
    public URI deviceTokenUrl() {
        return root().resolve("/login/oauth/access_token");
    }

    /** @return the page where a user enters the user code ({@code /login/device}) */
    public URI verificationUrl() {
        return root().resolve("/login/device");
    }

    /** @return the Copilot token exchange ({@code /copilot_internal/v2/token}) */
    public URI copilotTokenUrl() {
        return root().resolve("/copilot_internal/v2/token");
    }

    /** @return OpenRouter's authorization page ({@code /auth}) */
    public URI openRouterAuthUrl() {
        return root().resolve("/auth");
    }

    /** @return OpenRouter's key exchange ({@code /api/v1/auth/keys}) */
    public URI openRouterKeyUrl() {
        return root().resolve("/api/v1/auth/keys");
    }

    // ---- behaviour -----------------------------------------------------------------------------

    /** Sets how long issued access tokens live (the {@code expires_in} of token answers). */
    public FakeOAuthServer tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
        return this;
    }

    /** Sets how long Copilot tokens live. */
    public FakeOAuthServer copilotLifetime(Duration lifetime) {
        this.copilotLifetime = lifetime;
        return this;
    }

    /** Sets the ChatGPT account id and e-mail put into tokens' claims. */
    public FakeOAuthServer account(String newAccountId, String newEmail) {
        this.accountId = newAccountId;
        this.email = newEmail;
        return this;
    }

    /** Makes every endpoint refuse other client ids, as the real servers do ({@code null}: accept any). */
    public FakeOAuthServer requireClientId(String clientId) {
        this.requiredClientId = clientId;
        return this;
    }

    /** Makes the id_token → API key exchange fail (as it does for personal ChatGPT accounts). */
    public FakeOAuthServer refuseKeyExchange() {
        this.keyExchange = false;
        return this;
    }

    /** Makes every refresh fail with {@code invalid_grant}, as after a revoked login. */
    public FakeOAuthServer refuseRefresh() {
        this.refusingRefresh = true;
        return this;
    }

    /** Makes the authorization page redirect with {@code error=access_denied}, as when the user declines. */
    public FakeOAuthServer denyAuthorization() {
        this.denying = true;
        return this;
    }

    /** Sets the API root a Copilot token answer names in {@code endpoints.api}; empty for none. */
    public FakeOAuthServer copilotApi(URI api) {
        this.copilotApi = api == null ? "" : api.toString();
        return this;
    }

    /** Sets the polling interval (seconds) device code answers ask for. */
    public FakeOAuthServer deviceInterval(int seconds) {
        this.deviceInterval = seconds;
        return this;
    }

    // ---- what happened -------------------------------------------------------------------------

    /** @return every request received, oldest first */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** @return the requests to one path, oldest first */
    public List<RecordedRequest> requests(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    /** @return how many refreshes succeeded */
    public int refreshCount() {
        return refreshes.get();
    }

    /** @return how many Copilot tokens were handed out */
    public int copilotExchangeCount() {
        return copilotExchanges.get();
    }

    /**
     * Approves a pending device code, as the user does on the verification page.
     *
     * @return whether a pending device had this user code
     */
    public boolean approve(String userCode) {
        for (Device device : devices.values()) {
            if (device.userCode.equals(userCode)) {
                device.approved = true;
                return true;
            }
        }
        return false;
    }

    /** @return whether this is an access token the server issued and still honours */
    public boolean isIssuedAccessToken(String token) {
        return verifyJwt(token) != null;
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- protocol ------------------------------------------------------------------------------

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            URI uri = exchange.getRequestURI();
            RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            String route = request.method() + " " + request.path();
            switch (route) {
                case "GET /oauth/authorize" -> authorize(exchange, query(request.query()));
                case "GET /oauth/code/callback" -> codePage(exchange, query(request.query()));
                case "POST /oauth/token", "POST /login/oauth/access_token" -> token(exchange, request);
                case "POST /login/device/code" -> deviceCode(exchange, parameters(request));
                case "GET /login/device", "POST /login/device" -> verify(exchange, parameters(request));
                case "GET /copilot_internal/v2/token" -> copilotToken(exchange, request);
                case "GET /auth" -> openRouterAuthorize(exchange, query(request.query()));
                case "POST /api/v1/auth/keys" -> openRouterKey(exchange, parameters(request));
                default -> error(exchange, 404, "not_found", "no " + route + " in the fake OAuth server");
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, "text/plain", "fake OAuth server failure: " + e);
        }
    }

    private void authorize(HttpExchange exchange, Map<String, String> query) throws IOException {
        String redirect = query.getOrDefault("redirect_uri", "");
        String problem = null;
        if (!"code".equals(query.get("response_type"))) {
            problem = "response_type must be code";
        } else if (!clientAccepted(query.get("client_id"))) {
            problem = "unknown client_id";
        } else if (redirect.isEmpty()) {
            problem = "redirect_uri is required";
        } else if (!"S256".equals(query.get("code_challenge_method")) || query.getOrDefault("code_challenge", "").isEmpty()) {
            problem = "PKCE with code_challenge_method=S256 is required";
        } else if (query.getOrDefault("state", "").isEmpty()) {
            problem = "state is required";
        }
        if (problem != null) {
            // a real server shows an error page rather than redirecting to an unverified URI
            respond(exchange, 400, "text/html", "<html><body><h1>Authorization error</h1><p>" + problem + "</p></body></html>");
            return;
        }
        String state = query.get("state");
        if (denying) {
            redirect(exchange, with(redirect, "error", "access_denied", "error_description", "The user declined", "state", state));
            return;
        }
        String code = "code-" + randomId(20);
        codes.put(code, new Grant(query.get("client_id"), redirect, query.get("code_challenge"), state));
        redirect(exchange, with(redirect, "code", code, "state", state));
    }

    private static void codePage(HttpExchange exchange, Map<String, String> query) throws IOException {
        String code = query.getOrDefault("code", "");
        String shown = code.isEmpty()
                ? "Authorization failed: " + query.getOrDefault("error", "no code")
                : code + "#" + query.getOrDefault("state", "");
        respond(exchange, 200, "text/html",
                "<html><body><p>Paste this code into your application:</p><code id=\"code\">" + shown
                        + "</code></body></html>");
    }

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException {
        Map<String, String> form = parameters(request);
        String grant = form.getOrDefault("grant_type", "");
        switch (grant) {
            case "authorization_code" -> codeGrant(exchange, form);
            case "refresh_token" -> refreshGrant(exchange, form);
            case EXCHANGE_GRANT -> keyExchange(exchange, form);
            case DEVICE_GRANT -> deviceGrant(exchange, form);
            default -> error(exchange, 400, "unsupported_grant_type", "grant_type '" + grant + "' is not supported");
        }
    }

    private void codeGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        Grant grant = codes.remove(form.getOrDefault("code", ""));
        if (grant == null) {
            error(exchange, 400, "invalid_grant", "the authorization code is unknown, expired or already used");
            return;
        }
        if (!grant.clientId.equals(form.get("client_id"))) {
            error(exchange, 401, "invalid_client", "the code was issued to another client");
            return;
        }
        if (!grant.redirectUri.equals(form.get("redirect_uri"))) {
            error(exchange, 400, "invalid_grant", "redirect_uri does not match the authorization request");
            return;
        }
        if (!grant.challenge.equals(s256(form.getOrDefault("code_verifier", "")))) {
            error(exchange, 400, "invalid_grant", "code_verifier does not match the code_challenge");
            return;
        }
        if (form.containsKey("state") && !grant.state.equals(form.get("state"))) {
            error(exchange, 400, "invalid_grant", "state does not match the authorization request");
            return;
        }
        respond(exchange, 200, "application/json", tokens(true).toString());
    }

    private void refreshGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        String token = form.getOrDefault("refresh_token", "");
        if (refusingRefresh || !refreshTokens.remove(token)) {
            error(exchange, 400, "invalid_grant", "the refresh token is invalid, expired or was already used");
            return;
        }
        if (!clientAccepted(form.get("client_id"))) {
            error(exchange, 401, "invalid_client", "unknown client_id");
            return;
        }
        refreshes.incrementAndGet();
        respond(exchange, 200, "application/json", tokens(true).toString());
    }

    private void keyExchange(HttpExchange exchange, Map<String, String> form) throws IOException {
        String subject = form.getOrDefault("subject_token", "");
        if (!"openai-api-key".equals(form.get("requested_token"))
                || !"urn:ietf:params:oauth:token-type:id_token".equals(form.get("subject_token_type"))) {
            error(exchange, 400, "invalid_request", "requested_token must be openai-api-key for an id_token");
            return;
        }
        if (!idTokens.contains(subject)) {
            error(exchange, 400, "invalid_grant", "the id_token was not issued by this server");
            return;
        }
        if (!keyExchange) {
            error(exchange, 401, "invalid_subject_token", "this account has no organization to create an API key in");
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", "sk-proj-fake-" + randomId(40));
        answer.put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token");
        answer.put("token_type", "Bearer");
        respond(exchange, 200, "application/json", answer.toString());
    }

    private void deviceCode(HttpExchange exchange, Map<String, String> form) throws IOException {
        if (!clientAccepted(form.get("client_id"))) {
            error(exchange, 401, "invalid_client", "unknown client_id");
            return;
        }
        String deviceCode = randomId(40);
        String userCode = randomLetters(4) + "-" + randomLetters(4);
        devices.put(deviceCode, new Device(userCode));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("device_code", deviceCode);
        answer.put("user_code", userCode);
        answer.put("verification_uri", verificationUrl().toString());
        answer.put("expires_in", 900);
        answer.put("interval", deviceInterval);
        respond(exchange, 200, "application/json", answer.toString());
    }

    private void verify(HttpExchange exchange, Map<String, String> form) throws IOException {
        String userCode = form.getOrDefault("user_code", "");
        if (userCode.isEmpty()) {
            respond(exchange, 200, "text/html", "<html><body><form method=\"post\"><input name=\"user_code\"></form></body></html>");
            return;
        }
        boolean known = approve(userCode);
        respond(exchange, known ? 200 : 404, "text/html",
                known ? "<html><body>Device connected.</body></html>" : "<html><body>Unknown code.</body></html>");
    }

    private void deviceGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        Device device = devices.get(form.getOrDefault("device_code", ""));
        // GitHub answers device polling with 200 and an "error" field
        if (device == null) {
            error(exchange, 200, "expired_token", "the device code is unknown or expired");
            return;
        }
        if (!device.approved) {
            error(exchange, 200, "authorization_pending", "the user has not yet entered the code");
            return;
        }
        devices.remove(form.get("device_code"));
        String token = "gho_" + randomId(36);
        githubTokens.add(token);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", token);
        answer.put("token_type", "bearer");
        answer.put("scope", "read:user");
        respond(exchange, 200, "application/json", answer.toString());
    }

    private void copilotToken(HttpExchange exchange, RecordedRequest request) throws IOException {
        String authorization = request.header("authorization");
        String token = authorization != null && authorization.startsWith("token ") ? authorization.substring(6) : "";
        if (!githubTokens.contains(token)) {
            respond(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
            return;
        }
        copilotExchanges.incrementAndGet();
        long expires = Instant.now().plus(copilotLifetime).getEpochSecond();
        ObjectNode answer = JSON.createObjectNode();
        answer.put("token", "tid=" + randomId(24) + ";exp=" + expires + ";sku=copilot_individual");
        answer.put("expires_at", expires);
        answer.put("refresh_in", Math.max(1, copilotLifetime.toSeconds() - 300));
        if (!copilotApi.isEmpty()) {
            answer.putObject("endpoints").put("api", copilotApi);
        }
        respond(exchange, 200, "application/json", answer.toString());
    }

    private void openRouterAuthorize(HttpExchange exchange, Map<String, String> query) throws IOException {
        String callback = query.getOrDefault("callback_url", "");
        if (callback.isEmpty() || !"S256".equals(query.get("code_challenge_method"))
                || query.getOrDefault("code_challenge", "").isEmpty()) {
            respond(exchange, 400, "text/html", "<html><body>callback_url and an S256 code_challenge are required</body></html>");
            return;
        }
        String code = "or-code-" + randomId(20);
        codes.put(code, new Grant("", callback, query.get("code_challenge"), ""));
        redirect(exchange, with(callback, "code", code));
    }

    private void openRouterKey(HttpExchange exchange, Map<String, String> form) throws IOException {
        Grant grant = codes.remove(form.getOrDefault("code", ""));
        if (grant == null) {
            respond(exchange, 403, "application/json", "{\"error\":{\"code\":403,\"message\":\"Invalid code\"}}");
            return;
        }
        if (!grant.challenge.equals(s256(form.getOrDefault("code_verifier", "")))) {
            respond(exchange, 403, "application/json",
                    "{\"error\":{\"code\":403,\"message\":\"Invalid code_verifier for this code_challenge\"}}");
            return;
        }
        respond(exchange, 200, "application/json",
                JSON.createObjectNode().put("key", "sk-or-v1-fake-" + randomId(40)).put("user_id", "user_fake").toString());
    }

    // ---- tokens --------------------------------------------------------------------------------

    private ObjectNode tokens(boolean withIdToken) {
        long now = Instant.now().getEpochSecond();
        long expires = now + tokenLifetime.toSeconds();
        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", root().toString());
        claims.put("sub", "user-fake");
        claims.put("email", email);
        claims.put("iat", now);
        claims.put("exp", expires);
        claims.put("jti", randomId(16));
        claims.putObject("https://api.openai.com/auth").put("chatgpt_account_id", accountId).put("chatgpt_plan_type", "plus");
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", jwt(claims));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", tokenLifetime.toSeconds());
        String refresh = "rt-" + randomId(32);
        refreshTokens.add(refresh);
        answer.put("refresh_token", refresh);
        if (withIdToken) {
            ObjectNode idClaims = claims.deepCopy();
            idClaims.put("aud", "fake-client");
            String idToken = jwt(idClaims);
            idTokens.add(idToken);
            answer.put("id_token", idToken);
        }
        answer.put("scope", "openid profile email offline_access");
        return answer;
    }

    private String jwt(ObjectNode claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String signed = header + "." + payload;
        return signed + "." + b64.encodeToString(hmac(signed));
    }

    /** @return the claims of a token this server signed and that has not expired, else {@code null} */
    private JsonNode verifyJwt(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        byte[] expected = hmac(parts[0] + "." + parts[1]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("exp").asLong() > Instant.now().getEpochSecond() ? claims : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return BASE64URL(SHA-256(verifier)) without padding, the PKCE S256 challenge */
    public static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private boolean clientAccepted(String clientId) {
        String required = requiredClientId;
        return clientId != null && !clientId.isEmpty() && (required == null || required.equals(clientId));
    }

    /** @return the parameters of a form or JSON body, or of the query for a GET */
    private static Map<String, String> parameters(RecordedRequest request) {
        if (request.method().equals("GET")) {
            return query(request.query());
        }
        String type = request.header("content-type");
        if (type != null && type.startsWith("application/json")) {
            Map<String, String> values = new LinkedHashMap<>();
            JsonNode body = request.json();
            body.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
            return values;
        }
        Map<String, String> values = query(request.body());
        values.putAll(query(request.query()));
        return values;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            values.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }

    /** @return the URI with query parameters appended (name, value, name, value, …) */
    private static String with(String uri, String... namesAndValues) {
        StringBuilder target = new StringBuilder(uri);
        char separator = uri.contains("?") ? '&' : '?';
        for (int i = 0; i < namesAndValues.length; i += 2) {
            target.append(separator).append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
            separator = '&';
        }
        return target.toString();
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void error(HttpExchange exchange, int status, String error, String description) throws IOException {
        respond(exchange, status, "application/json",
                JSON.createObjectNode().put("error", error).put("error_description", description).toString());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String randomId(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private String randomLetters(int length) {
        StringBuilder letters = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            letters.append((char) ('A' + random.nextInt(26)));
        }
        return letters.toString();
    }

    /** An authorization waiting for its code to be exchanged. */
    private record Grant(String clientId, String redirectUri, String challenge, String state) {}

    /** A device code waiting for its user. */
    private static final class Device {
        final String userCode;
        volatile boolean approved;

        Device(String userCode) {
            this.userCode = userCode;
        }
    }
}
