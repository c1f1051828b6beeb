package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;

/** {@code [auth]}, {@code [providers.<name>]}, stored logins and runtime selection of provider and model. */
class LoginsAndSelectionTest {

    @TempDir
    Path tmp;

    Path home;
    Path file;
    final Map<String, String> env = new HashMap<>();
    final ConfigLoaderTest.MapSink sink = new ConfigLoaderTest.MapSink();
    ConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("user"));
        home = Files.createDirectories(user.resolve(".openpista"));
        file = home.resolve("config.toml");
        loader = new ConfigLoader(new Locations(home, file, user), env::get, TestCatalog::standard, sink);
    }

    void write(String toml) throws IOException {
        Files.writeString(file, toml, StandardCharsets.UTF_8);
    }

    void credentials(String toml, String mode) throws IOException {
        Path credentials = home.resolve("credentials.toml");
        Files.writeString(credentials, toml, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString(mode));
    }

    @Test
    void authSectionsBecomeTheAuthPidWithDottedKeys() throws Exception {
        write("""
                [auth]
                login_timeout_secs = 120
                [auth.openai]
                authorize_url = "http://127.0.0.1:9/oauth/authorize"
                callback_port = 0
                [auth.github-copilot]
                copilot_token_url = "http://127.0.0.1:9/copilot"
                """);

        ConfigReport report = loader.load();

        assertThat(report.warnings()).isEmpty();
        assertThat(sink.current.get("org.openpista.auth")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "login.timeout.secs", 120,
                "openai.authorize.url", "http://127.0.0.1:9/oauth/authorize",
                "openai.callback.port", 0,
                "github-copilot.copilot.token.url", "http://127.0.0.1:9/copilot"));
    }

    @Test
    void withoutAuthSectionThereIsNoAuthPid() throws Exception {
        loader.load();

        assertThat(sink.current).doesNotContainKey("org.openpista.auth");
    }

    @Test
    void unknownAuthKeysAndLoginsWarnWithTheirLine() throws Exception {
        write("[auth]\nfoo = 1\n[auth.together]\ntoken_url = \"http://x.example\"\n[auth.openai]\nbar = 2\n");

        assertThat(loader.load().warnings()).satisfiesExactly(
                warning -> assertThat(warning).contains(":2: auth.foo: unknown key"),
                warning -> assertThat(warning).contains(":3: auth.together: no table of that name"),
                warning -> assertThat(warning).contains(":6: auth.openai.bar: unknown key"));
    }

    @Test
    void aBadEndpointIsAnErrorNamingLineAndKey() throws IOException {
        write("[auth.openai]\ntoken_url = \"not a url\"\n");

        assertThatThrownBy(loader::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.key()).isEqualTo("auth.openai.token_url");
        });
    }

    @Test
    void providerSectionsFillWhatAgentLeavesOpen() throws Exception {
        write("""
                [agent]
                provider = "azure-openai"
                model = "my-deployment"
                [providers.azure-openai]
                base_url = "https://me.openai.azure.com"
                api_key = "az-file-key"
                model = "ignored-because-agent-names-one"
                api_version = "2025-01-01-preview"
                [providers.bedrock]
                region = "us-west-2"
                """);

        ConfigReport report = loader.load();

        assertThat(report.providerProblem()).isEmpty();
        assertThat(sink.current.get("org.openpista.provider.openai~azure-openai")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider.name", "azure-openai", "preset", "azure-openai", "base.url", "https://me.openai.azure.com",
                ".api.key", "az-file-key", "model", "my-deployment", "api.version", "2025-01-01-preview"));
    }

    @Test
    void theProvidersOwnVariableWinsOverItsSection() throws Exception {
        write("[agent]\nprovider = \"google\"\n[providers.google]\napi_key = \"from-file\"\n");
        env.put("GOOGLE_API_KEY", "from-env");

        loader.load();

        assertThat(sink.current.get("org.openpista.provider.openai~google")).containsEntry(".api.key", "from-env");
    }

    @Test
    void aStoredLoginMeansNoProblem() throws Exception {
        write("[agent]\nprovider = \"claude\"\n");
        assertThat(loader.load().providerProblem()).contains("openpista auth login anthropic");

        credentials("[anthropic]\nmethod = \"oauth\"\naccess_token = \"sk-ant-oat-123\"\n", "rw-------");

        assertThat(loader.load().providerProblem()).isEmpty();
        assertThat(sink.current.get("org.openpista.provider.anthropic~claude")).doesNotContainKey(".api.key");
    }

    @Test
    void aCredentialsFileOthersCanReadIsNamedWithTheFix() throws Exception {
        write("[agent]\nprovider = \"responses\"\n");
        credentials("[openai]\naccess_token = \"tok\"\n", "rw-r--r--");

        String problem = loader.load().providerProblem();

        assertThat(problem).contains("chmod 600 " + home.resolve("credentials.toml")).doesNotContain("tok");
    }

    @Test
    void copilotWithoutLoginSaysHowToLogIn() throws Exception {
        write("[agent]\nprovider = \"github-copilot\"\n");

        assertThat(loader.load().providerProblem()).isEqualTo(
                "no login for provider \"github-copilot\": run openpista auth login github-copilot (or openpista onboard)");
    }

    @Test
    void selectingAnotherProviderReplacesTheOldOneWithoutItsAgentKeys() throws Exception {
        write("""
                [agent]
                provider = "openai"
                model = "gpt-4o"
                base_url = "http://127.0.0.1:9/v1"
                api_key = "sk-openai-file"
                [providers.anthropic]
                base_url = "http://127.0.0.1:8/v1"
                """);
        env.put("ANTHROPIC_API_KEY", "sk-ant-env");
        loader.load();

        ConfigReport report = loader.select("anthropic", "claude-opus-4-6");

        assertThat(report.provider()).isEqualTo("anthropic");
        assertThat(report.model()).isEqualTo("claude-opus-4-6");
        assertThat(sink.current).doesNotContainKey("org.openpista.provider.openai~openai");
        assertThat(sink.current.get("org.openpista.provider.anthropic~anthropic")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider.name", "anthropic", "preset", "anthropic", "base.url", "http://127.0.0.1:8/v1", ".api.key", "sk-ant-env",
                "model", "claude-opus-4-6"));
        assertThat(sink.current.get("org.openpista.agent")).containsEntry("provider", "anthropic")
                .containsEntry("model", "claude-opus-4-6");

        // a reload reads the file as it is: the runtime choice lasts until then (README, "until the next reload")
        assertThat(loader.load().provider()).isEqualTo("openai");
        assertThat(sink.current).doesNotContainKey("org.openpista.provider.anthropic~anthropic");
    }

    @Test
    void selectingOnlyAModelKeepsTheProviderAndWinsOverTheEnvironment() throws Exception {
        write("[agent]\nprovider = \"openai\"\napi_key = \"k\"\n");
        env.put("OPENPISTA_MODEL", "gpt-4o");

        ConfigReport report = loader.select("", "gpt-4.1-mini");

        assertThat(report.provider()).isEqualTo("openai");
        assertThat(sink.current.get("org.openpista.provider.openai~openai")).containsEntry("model", "gpt-4.1-mini")
                .containsEntry(".api.key", "k");
    }

    @Test
    void anUnknownProviderIsRefusedAndTheOldChoiceStays() throws Exception {
        write("[agent]\nprovider = \"openai\"\napi_key = \"k\"\n");
        loader.select("", "gpt-4.1");

        int applies = sink.applies;
        assertThatThrownBy(() -> loader.select("opnai", "x")).isInstanceOf(ConfigException.class).hasMessageContaining("opnai");
        assertThat(sink.applies).isEqualTo(applies);
        assertThat(sink.current.get("org.openpista.provider.openai~openai")).containsEntry("model", "gpt-4.1");
    }
}
