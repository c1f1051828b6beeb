package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeOAuthServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERIFIER = "the-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    private static final String REDIRECT = "http://127.0.0.1:1/auth/callback";

    private final FakeOAuthServer server = new FakeOAuthServer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void authorizationRedirectsWithCodeAndStateAndTheCodeGivesTokensForTheRightVerifier() throws Exception {
        Map<String, String> redirect = authorize("the-state");

        assertThat(redirect.get("state")).isEqualTo("the-state");
        JsonNode tokens = JSON.readTree(postForm(server.tokenUrl(), Map.of("grant_type", "authorization_code",
                "code", redirect.get("code"), "redirect_uri", REDIRECT, "client_id", "client-1", "code_verifier", VERIFIER)).body());

        assertThat(tokens.path("access_token").asText()).contains(".");
        assertThat(tokens.path("refresh_token").asText()).startsWith("rt-");
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(3600);
        JsonNode claims = claims(tokens.path("id_token").asText());
        assertThat(claims.path("https://api.openai.com/auth").path("chatgpt_account_id").asText())
                .isEqualTo(FakeOAuthServer.DEFAULT_ACCOUNT_ID);
        assertThat(claims.path("email").asText()).isEqualTo(FakeOAuthServer.DEFAULT_EMAIL);
        assertThat(server.isIssuedAccessToken(tokens.path("access_token").asText())).isTrue();
    }

    @Test
    void aWrongVerifierIsRefused() throws Exception {
        Map<String, String> redirect = authorize("s");

        HttpResponse<String> answer = postForm(server.tokenUrl(), Map.of("grant_type", "authorization_code",
                "code", redirect.get("code"), "redirect_uri", REDIRECT, "client_id", "client-1",
                "code_verifier", VERIFIER + "-wrong"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("invalid_grant").contains("code_verifier");
    }

    @Test
    void aWrongStateInTheTokenRequestIsRefused() throws Exception {
        Map<String, String> redirect = authorize("right-state");

        HttpResponse<String> answer = postJson(server.tokenUrl(), Map.of("grant_type", "authorization_code",
                "code", redirect.get("code"), "redirect_uri", REDIRECT, "client_id", "client-1", "code_verifier", VERIFIER,
                "state", "wrong-state"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("state");
    }

    @Test
    void aCodeWorksOnlyOnce() throws Exception {
        Map<String, String> redirect = authorize("s");
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", redirect.get("code"),
                "redirect_uri", REDIRECT, "client_id", "client-1", "code_verifier", VERIFIER);

        assertThat(postForm(server.tokenUrl(), form).statusCode()).isEqualTo(200);
        assertThat(postForm(server.tokenUrl(), form).statusCode()).isEqualTo(400);
    }

    @Test
    void refreshRotatesTheRefreshToken() throws Exception {
        Map<String, String> redirect = authorize("s");
        JsonNode first = JSON.readTree(postForm(server.tokenUrl(), Map.of("grant_type", "authorization_code",
                "code", redirect.get("code"), "redirect_uri", REDIRECT, "client_id", "client-1", "code_verifier", VERIFIER)).body());
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                first.path("refresh_token").asText(), "client_id", "client-1");

        HttpResponse<String> renewed = postForm(server.tokenUrl(), refresh);
        HttpResponse<String> again = postForm(server.tokenUrl(), refresh);

        assertThat(renewed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(renewed.body()).path("refresh_token").asText()).isNotEqualTo(first.path("refresh_token").asText());
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(server.refreshCount()).isEqualTo(1);
    }

    @Test
    void idTokenExchangesForAnApiKeyUnlessRefused() throws Exception {
        Map<String, String> redirect = authorize("s");
        JsonNode tokens = JSON.readTree(postForm(server.tokenUrl(), Map.of("grant_type", "authorization_code",
                "code", redirect.get("code"), "redirect_uri", REDIRECT, "client_id", "client-1", "code_verifier", VERIFIER)).body());
        Map<String, String> exchange = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "client_id", "client-1", "requested_token", "openai-api-key", "subject_token", tokens.path("id_token").asText(),
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token");

        HttpResponse<String> key = postForm(server.tokenUrl(), exchange);
        server.refuseKeyExchange();
        HttpResponse<String> refused = postForm(server.tokenUrl(), exchange);

        assertThat(JSON.readTree(key.body()).path("access_token").asText()).startsWith("sk-proj-fake-");
        assertThat(refused.statusCode()).isEqualTo(401);
    }

    @Test
    void deviceCodeIsPendingUntilApprovedThenGivesATokenForCopilot() throws Exception {
        JsonNode device = JSON.readTree(postForm(server.deviceCodeUrl(), Map.of("client_id", "gh", "scope", "read:user")).body());
        Map<String, String> poll = Map.of("client_id", "gh", "device_code", device.path("device_code").asText(),
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code");

        JsonNode pending = JSON.readTree(postForm(server.deviceTokenUrl(), poll).body());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(device.path("verification_uri").asText()
                + "?user_code=" + device.path("user_code").asText())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode granted = JSON.readTree(postForm(server.deviceTokenUrl(), poll).body());
        HttpResponse<String> copilot = http.send(HttpRequest.newBuilder(server.copilotTokenUrl())
                .header("authorization", "token " + granted.path("access_token").asText()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(pending.path("error").asText()).isEqualTo("authorization_pending");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(granted.path("access_token").asText()).startsWith("gho_");
        assertThat(JSON.readTree(copilot.body()).path("token").asText()).startsWith("tid=");
        assertThat(JSON.readTree(copilot.body()).path("expires_at").asLong()).isPositive();
    }

    @Test
    void copilotTokenNeedsAGitHubTokenThisServerIssued() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.copilotTokenUrl())
                .header("authorization", "token gho_made_up").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(401);
    }

    @Test
    void openRouterCallbackCodeExchangesForAKeyWithTheVerifier() throws Exception {
        String callback = "http://127.0.0.1:1/callback?state=abc";
        HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(server.openRouterAuthUrl() + "?callback_url="
                + URLEncoder.encode(callback, StandardCharsets.UTF_8) + "&code_challenge=" + FakeOAuthServer.s256(VERIFIER)
                + "&code_challenge_method=S256")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> query = query(URI.create(redirect.headers().firstValue("location").orElseThrow()).getRawQuery());

        HttpResponse<String> wrong = postJson(server.openRouterKeyUrl(), Map.of("code", query.get("code"), "code_verifier", "nope"));
        assertThat(wrong.statusCode()).isEqualTo(403);

        String callbackAgain = redirectCode(callback);
        HttpResponse<String> key = postJson(server.openRouterKeyUrl(), Map.of("code", callbackAgain, "code_verifier", VERIFIER,
                "code_challenge_method", "S256"));
        assertThat(query.get("state")).isEqualTo("abc");
        assertThat(JSON.readTree(key.body()).path("key").asText()).startsWith("sk-or-v1-fake-");
    }

    @Test
    void codeDisplayPageShowsCodeAndState() throws Exception {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        String url = server.authorizeUrl() + "?code=true&response_type=code&client_id=c&redirect_uri="
                + URLEncoder.encode(server.codeDisplayUrl().toString(), StandardCharsets.UTF_8)
                + "&code_challenge=" + FakeOAuthServer.s256(VERIFIER) + "&code_challenge_method=S256&state=st8";

        String page = following.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();

        Matcher shown = Pattern.compile("<code id=\"code\">([^<]+)</code>").matcher(page);
        assertThat(shown.find()).isTrue();
        assertThat(shown.group(1)).startsWith("code-").endsWith("#st8");
    }

    @Test
    void authorizeWithoutPkceIsAnErrorPageNotARedirect() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.authorizeUrl()
                + "?response_type=code&client_id=c&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8)
                + "&state=s")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("PKCE");
    }

    private String redirectCode(String callback) throws Exception {
        HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(server.openRouterAuthUrl() + "?callback_url="
                + URLEncoder.encode(callback, StandardCharsets.UTF_8) + "&code_challenge=" + FakeOAuthServer.s256(VERIFIER)
                + "&code_challenge_method=S256")).build(), HttpResponse.BodyHandlers.ofString());
        return query(URI.create(redirect.headers().firstValue("location").orElseThrow()).getRawQuery()).get("code");
    }

    private Map<String, String> authorize(String state) throws Exception {
        String url = server.authorizeUrl() + "?response_type=code&client_id=client-1&redirect_uri="
                + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8) + "&scope=openid&code_challenge="
                + FakeOAuthServer.s256(VERIFIER) + "&code_challenge_method=S256&state=" + state;
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        URI location = URI.create(answer.headers().firstValue("location").orElseThrow());
        assertThat(location.toString()).startsWith(REDIRECT);
        return query(location.getRawQuery());
    }

    private HttpResponse<String> postForm(URI uri, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(uri).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(URI uri, Map<String, String> fields) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            String[] parts = pair.split("=", 2);
            values.put(parts[0], java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return values;
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
