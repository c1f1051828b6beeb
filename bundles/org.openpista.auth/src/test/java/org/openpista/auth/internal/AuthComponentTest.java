package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.testkit.FakeOAuthServer;

/** Every login flow end to end against the fake OAuth server, the browser step driven by an HTTP client. */
class AuthComponentTest {

    @TempDir
    Path home;

    final FakeOAuthServer fake = new FakeOAuthServer();
    final MutableClock clock = new MutableClock(Instant.now());
    final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    AuthComponent auth;

    @AfterEach
    void stop() {
        if (auth != null) {
            auth.deactivate();
        }
        fake.close();
    }

    AuthComponent auth(int loginTimeoutSecs) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("openai.authorize.url", fake.authorizeUrl().toString());
        properties.put("openai.token.url", fake.tokenUrl().toString());
        properties.put("openai.callback.port", 0);
        properties.put("anthropic.authorize.url", fake.authorizeUrl().toString());
        properties.put("anthropic.token.url", fake.tokenUrl().toString());
        properties.put("anthropic.redirect.uri", fake.codeDisplayUrl().toString());
        properties.put("openrouter.authorize.url", fake.openRouterAuthUrl().toString());
        properties.put("openrouter.key.url", fake.openRouterKeyUrl().toString());
        properties.put("github-copilot.device.url", fake.deviceCodeUrl().toString());
        properties.put("github-copilot.token.url", fake.deviceTokenUrl().toString());
        properties.put("github-copilot.copilot.token.url", fake.copilotTokenUrl().toString());
        auth = new AuthComponent(home, config(loginTimeoutSecs), properties, clock, java.util.List::of, name -> null);
        return auth;
    }

    static AuthComponent.Config config(int loginTimeoutSecs) {
        return (AuthComponent.Config) Proxy.newProxyInstance(AuthComponentTest.class.getClassLoader(),
                new Class<?>[] {AuthComponent.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "login_timeout_secs" -> loginTimeoutSecs;
                    case "annotationType" -> AuthComponent.Config.class;
                    default -> method.getDefaultValue();
                });
    }

    @Test
    void anActiveComponentStartsNoHttpClientBeforeItsFirstExchange() {
        long before = httpClientThreads();
        auth(60);
        // a JDK HttpClient starts its selector thread when built; an idle daemon has no login to make
        assertThat(httpClientThreads()).isLessThanOrEqualTo(before);
    }

    static long httpClientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().endsWith("-SelectorManager"))
                .count();
    }

    LoginResult result(LoginFlow flow) throws Exception {
        return flow.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void openAiBrowserLoginExchangesTheCodeAndTheIdTokenForAKey() throws Exception {
        LoginFlow flow = auth(60).startLogin("openai");
        assertThat(flow.type()).isEqualTo(FlowType.REDIRECT);
        assertThat(flow.url().toString()).startsWith(fake.authorizeUrl().toString()).contains("code_challenge_method=S256");

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(flow.url()).build(), HttpResponse.BodyHandlers.ofString());
        LoginResult result = result(flow);

        assertThat(page.body()).contains("Login received");
        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(result.message()).contains(FakeOAuthServer.DEFAULT_EMAIL);
        Credential credential = auth.credential("openai").orElseThrow();
        assertThat(credential.secret()).startsWith("sk-proj-fake-");
        assertThat(credential.method()).isEqualTo(AuthMethod.OAUTH);
        assertThat(credential.accountId()).isEqualTo(FakeOAuthServer.DEFAULT_ACCOUNT_ID);
        assertThat(credential.attribute(Credential.PROTOCOL)).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("credentials.toml"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aChatGptAccountWithoutApiOrganizationGetsASubscriptionLogin() throws Exception {
        fake.refuseKeyExchange();
        LoginFlow flow = auth(60).startLogin("openai");

        browser.send(HttpRequest.newBuilder(flow.url()).build(), HttpResponse.BodyHandlers.ofString());
        LoginResult result = result(flow);

        assertThat(result.success()).isTrue();
        assertThat(result.message()).contains("provider = \"responses\"");
        Credential credential = auth.credential("responses").orElseThrow();
        assertThat(fake.isIssuedAccessToken(credential.secret())).isTrue();
        assertThat(credential.attribute(Credential.PROTOCOL)).isEqualTo("responses");
        assertThat(credential.accountId()).isEqualTo(FakeOAuthServer.DEFAULT_ACCOUNT_ID);
    }

    @Test
    void aCallbackWithAnotherStateIsRefusedAndTheLoopbackServerCloses() throws Exception {
        LoginFlow flow = auth(60).startLogin("openai");
        URI redirect = URI.create(query(flow.url()).get("redirect_uri"));

        browser.send(HttpRequest.newBuilder(URI.create(redirect + "?code=stolen&state=forged")).build(),
                HttpResponse.BodyHandlers.ofString());
        LoginResult result = result(flow);

        assertThat(result.success()).isFalse();
        assertThat(result.message()).contains("state");
        assertThat(auth.credential("openai")).isEmpty();
        assertThatThrownBy(() -> browser.send(HttpRequest.newBuilder(redirect).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aDeclinedAuthorizationFailsWithTheVendorsReason() throws Exception {
        fake.denyAuthorization();
        LoginFlow flow = auth(60).startLogin("openai");

        browser.send(HttpRequest.newBuilder(flow.url()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(result(flow).message()).contains("access_denied");
    }

    @Test
    void aLoginWithoutCallbackTimesOutAndClosesItsPort() throws Exception {
        LoginFlow flow = auth(1).startLogin("openai");
        URI redirect = URI.create(query(flow.url()).get("redirect_uri"));

        LoginResult result = result(flow);

        assertThat(result.success()).isFalse();
        assertThat(result.message()).contains("timed out");
        assertThatThrownBy(() -> browser.send(HttpRequest.newBuilder(redirect).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void cancellingEndsTheFlowAndClosesItsPort() throws Exception {
        LoginFlow flow = auth(60).startLogin("openrouter");
        URI callback = URI.create(query(flow.url()).get("callback_url"));

        flow.cancel();

        assertThat(result(flow).message()).contains("cancelled");
        assertThatThrownBy(() -> browser.send(HttpRequest.newBuilder(callback).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anthropicCodeDisplayLoginAndRefreshBeforeExpiry() throws Exception {
        fake.tokenLifetime(Duration.ofHours(1));
        LoginFlow flow = auth(60).startLogin("claude");
        assertThat(flow.type()).isEqualTo(FlowType.CODE_DISPLAY);

        String code = shownCode(flow);
        flow.submitCode("  " + code + "\n");
        LoginResult result = result(flow);

        assertThat(result.success()).as(result.message()).isTrue();
        Credential first = auth.credential("anthropic").orElseThrow();
        assertThat(fake.isIssuedAccessToken(first.secret())).isTrue();
        assertThat(fake.requests("/oauth/token").get(0).header("content-type")).startsWith("application/json");

        clock.advance(Duration.ofMinutes(54));
        assertThat(auth.credential("anthropic").orElseThrow().secret()).isEqualTo(first.secret());
        clock.advance(Duration.ofMinutes(2));
        Credential refreshed = auth.credential("anthropic").orElseThrow();

        assertThat(fake.refreshCount()).isEqualTo(1);
        assertThat(refreshed.secret()).isNotEqualTo(first.secret());
        assertThat(refreshed.expiresAt()).isAfter(clock.instant().plus(Duration.ofMinutes(59)));
    }

    @Test
    void aPastedCodeOfAnotherLoginIsRefused() throws Exception {
        LoginFlow flow = auth(60).startLogin("anthropic");
        String code = shownCode(flow);

        flow.submitCode(code.substring(0, code.indexOf('#')) + "#someone-elses-state");

        LoginResult result = result(flow);
        assertThat(result.success()).isFalse();
        assertThat(result.message()).contains("state");
    }

    @Test
    void aRevokedRefreshTokenAfterExpiryAsksToLogInAgain() throws Exception {
        LoginFlow flow = auth(60).startLogin("anthropic");
        flow.submitCode(shownCode(flow));
        assertThat(result(flow).success()).isTrue();
        fake.refuseRefresh();

        clock.advance(Duration.ofHours(2));

        assertThatThrownBy(() -> auth.credential("anthropic"))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("invalid_grant")
                .hasMessageContaining("openpista auth login anthropic");
    }

    @Test
    void openRouterCallbackIsExchangedForAKey() throws Exception {
        LoginFlow flow = auth(60).startLogin("openrouter");

        browser.send(HttpRequest.newBuilder(flow.url()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(result(flow).success()).isTrue();
        assertThat(auth.credential("openrouter").orElseThrow().secret()).startsWith("sk-or-v1-fake-");
    }

    @Test
    void copilotDeviceLoginThenTokenRenewalWithTheGitHubToken() throws Exception {
        fake.copilotApi(URI.create("http://127.0.0.1:9/copilot-api")).copilotLifetime(Duration.ofMinutes(30));
        LoginFlow flow = auth(60).startLogin("github-copilot");
        assertThat(flow.type()).isEqualTo(FlowType.DEVICE_CODE);
        assertThat(flow.userCode()).matches("[A-Z]{4}-[A-Z]{4}");

        browser.send(HttpRequest.newBuilder(URI.create(flow.url() + "?user_code=" + flow.userCode())).build(),
                HttpResponse.BodyHandlers.ofString());
        LoginResult result = result(flow);

        assertThat(result.success()).as(result.message()).isTrue();
        Credential first = auth.credential("copilot").orElseThrow();
        assertThat(first.secret()).startsWith("tid=");
        assertThat(first.endpoint()).isEqualTo("http://127.0.0.1:9/copilot-api");

        clock.advance(Duration.ofMinutes(26));
        Credential renewed = auth.credential("github-copilot").orElseThrow();

        assertThat(fake.copilotExchangeCount()).isEqualTo(2);
        assertThat(renewed.secret()).isNotEqualTo(first.secret());
    }

    @Test
    void keysAreStoredWithTheirEndpointAndCheckedFirst() throws Exception {
        auth(60);

        assertThatThrownBy(() -> auth.saveApiKey("azure-openai", "az-key-123", "")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> auth.saveApiKey("together", "two words", "")).hasMessageContaining("spaces");
        assertThatThrownBy(() -> auth.saveApiKey("nonsense", "k", "")).hasMessageContaining("unknown provider");
        assertThatThrownBy(() -> auth.saveApiKey("bedrock", "k", "not a region")).hasMessageContaining("region");
        ProviderAuthStatus azure = auth.saveApiKey("azure", "az-key-123", "https://me.openai.azure.com/");
        auth.saveApiKey("bedrock", "br-key-123", "us-west-2");

        assertThat(azure.authenticated()).isTrue();
        assertThat(azure.method()).isEqualTo(AuthMethod.API_KEY);
        assertThat(auth.credential("azure-openai").orElseThrow().endpoint()).isEqualTo("https://me.openai.azure.com");
        assertThat(auth.credential("bedrock").orElseThrow().attribute(Credential.REGION)).isEqualTo("us-west-2");
        assertThat(auth.logout("azure")).isTrue();
        assertThat(auth.credential("azure-openai")).isEmpty();
    }

    @Test
    void keyOnlyProvidersHaveNoBrowserLogin() {
        auth(60);

        assertThatThrownBy(() -> auth.startLogin("together")).hasMessageContaining("API key");
        assertThatThrownBy(() -> auth.startLogin("ollama")).hasMessageContaining("no credentials");
    }

    /** Follows the authorization redirect to the vendor's code page and reads the code it shows. */
    String shownCode(LoginFlow flow) throws Exception {
        String page = browser.send(HttpRequest.newBuilder(flow.url()).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher code = Pattern.compile("<code id=\"code\">([^<]+)</code>").matcher(page);
        assertThat(code.find()).as(page).isTrue();
        return code.group(1);
    }

    static Map<String, String> query(URI uri) {
        return LoopbackServer.query(uri.getRawQuery());
    }
}
