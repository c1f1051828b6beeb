package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;

class ConfigLoaderTest {

    /** An original openpista config.toml using every documented section. */
    static final String ORIGINAL = String.join("\n",
            "[agent]",                                              // 1
            "provider = \"anthropic\"",                             // 2
            "model = \"claude-sonnet-4-5\"",                        // 3
            "base_url = \"http://127.0.0.1:8089/v1\"",              // 4
            "api_key = \"sk-file-secret\"",                         // 5
            "max_tool_rounds = 12",                                 // 6
            "approval = \"auto\"",                                  // 7
            "system_prompt = \"Be brief.\"",                        // 8
            "timeout_secs = 90",                                    // 9
            "",                                                     // 10
            "[database]",                                           // 11
            "url = \"sqlite://~/data/openpista.db\"",               // 12
            "",                                                     // 13
            "[skills]",                                             // 14
            "workspace = \"~/pista-work\"",                         // 15
            "",                                                     // 16
            "[channels.cli]",                                       // 17
            "enabled = true",                                       // 18
            "approval = \"ask\"",                                   // 19
            "",                                                     // 20
            "[channels.web]",                                       // 21
            "enabled = true",                                       // 22
            "bind = \"0.0.0.0\"",                                   // 23
            "port = 3210",                                          // 24
            "token = \"web-secret\"",                               // 25
            "cors_origins = \"https://a.example, https://b.example\"", // 26
            "static_dir = \"~/web\"",                               // 27
            "shared_session_id = \"main\"",                         // 28
            "approval = \"deny\"",                                  // 29
            "max_frame_bytes = 1048576",                            // 30
            "",                                                     // 31
            "[channels.telegram]",                                  // 32
            "enabled = false",                                      // 33
            "token = \"tg-secret\"",                                // 34
            "api_url = \"http://127.0.0.1:8081\"",                  // 35
            "allowed_users = [123456789, 987654321]",               // 36
            "",                                                     // 37
            "[channels.whatsapp]",                                  // 38
            "enabled = false",                                      // 39
            "mode = \"cloud\"",                                     // 40
            "session_dir = \"~/.openpista/whatsapp-session\"",      // 41
            "bridge_path = \"bridge-whatsapp/index.js\"",           // 42
            "allowed_numbers = [\"+821012345678\", 15551234567]",   // 43
            "phone_number_id = 106540352242922",                    // 44
            "access_token = \"wa-access-secret\"",                  // 45
            "verify_token = \"wa-verify-secret\"",                  // 46
            "app_secret = \"wa-app-secret\"",                       // 47
            "api_url = \"http://127.0.0.1:8082\"",                  // 48
            "",                                                     // 49
            "[channels.mobile]",                                    // 50
            "enabled = false",                                      // 51
            "port = 4433",                                          // 52
            "token = \"mobile-secret\"",                            // 53
            "bind = \"0.0.0.0\"",                                   // 54
            "",                                                     // 55
            "[[cron]]",                                             // 56
            "schedule = \"0 0 9 * * *\"",                           // 57
            "message = \"Good morning: summarise my inbox\"",       // 58
            "channel = \"telegram\"",                               // 59
            "target = \"123456789\"",                               // 60
            "",                                                     // 61
            "[[cron]]",                                             // 62
            "schedule = \"0 0 18 * * FRI\"",                        // 63
            "message = \"Weekly report\"",                          // 64
            "session = \"reports\"",                                // 65
            "",                                                     // 66
            "[auth]",                                               // 67
            "login_timeout_secs = 300",                             // 68
            "[providers.openai]",                                   // 69
            "model = \"gpt-4.1\"",                                  // 70
            "");

    @TempDir
    Path tmp;

    Path home;
    Path userHome;
    Path file;
    final Map<String, String> env = new HashMap<>();
    final MapSink sink = new MapSink();
    ConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        userHome = Files.createDirectories(tmp.resolve("user"));
        home = Files.createDirectories(userHome.resolve(".openpista"));
        file = home.resolve("config.toml");
        loader = new ConfigLoader(new Locations(home, file, userHome), env::get, TestCatalog::standard, sink);
    }

    @Test
    void noFileMeansDefaults() throws ConfigException {
        ConfigReport report = loader.load();

        assertThat(report.exists()).isFalse();
        assertThat(report.file()).isEqualTo(file);
        assertThat(report.provider()).isEqualTo("openai");
        assertThat(report.model()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        // only the agent (with the selected provider) and that provider: every other bundle keeps its own defaults
        assertThat(sink.current).containsOnlyKeys("org.openpista.agent", "org.openpista.provider.openai~openai");
        assertThat(sink.current.get("org.openpista.agent")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider", "openai", "model", ""));
        assertThat(sink.current.get("org.openpista.provider.openai~openai")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider.name", "openai", "preset", "openai", "base.url", "", "model", ""));
    }

    @Test
    void originalConfigRoundTrip() throws Exception {
        write(ORIGINAL);

        ConfigReport report = loader.load();

        assertThat(report.exists()).isTrue();
        assertThat(report.provider()).isEqualTo("anthropic");
        assertThat(report.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(report.providerProblem()).isEmpty();
        // no installed bundle reads [channels.mobile] (in this catalog), and that is said
        assertThat(report.warnings()).containsExactly(file + ":50: channels.mobile: no installed bundle reads "
                + "[channels.mobile], ignored (channels: cli, web, telegram, whatsapp)");
        assertThat(sink.current).containsOnlyKeys("org.openpista.agent", "org.openpista.provider.anthropic~anthropic",
                "org.openpista.memory.sqlite", "org.openpista.skills", "org.openpista.tool.system",
                "org.openpista.channel.cli", "org.openpista.channel.web", "org.openpista.channel.telegram",
                "org.openpista.channel.whatsapp", "org.openpista.cron", "org.openpista.auth");
        assertThat(sink.current.get("org.openpista.auth")).containsExactly(Map.entry("login.timeout.secs", 300));

        assertThat(sink.current.get("org.openpista.agent")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider", "anthropic",
                "model", "claude-sonnet-4-5",
                "max.tool.rounds", 12,
                "approval", "auto",
                "approval.cli", "ask",
                "approval.web", "deny",
                "system.prompt", "Be brief.",
                "timeout.secs", 90,
                "workspace", userHome.resolve("pista-work").toString()));
        assertThat(sink.current.get("org.openpista.provider.anthropic~anthropic")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider.name", "anthropic",
                "preset", "anthropic",
                "base.url", "http://127.0.0.1:8089/v1",
                ".api.key", "sk-file-secret",
                "model", "claude-sonnet-4-5"));
        // the store reads its url itself (sqlite: prefixes, ~, relative paths: bundles/org.openpista.memory.sqlite)
        assertThat(sink.current.get("org.openpista.memory.sqlite")).containsExactly(
                Map.entry("url", "sqlite://~/data/openpista.db"));
        assertThat(sink.current.get("org.openpista.skills")).containsExactly(
                Map.entry("workspace", userHome.resolve("pista-work").toString()));
        assertThat(sink.current.get("org.openpista.tool.system")).containsExactly(
                Map.entry("workspace", userHome.resolve("pista-work").toString()));

        // a channel's approval is the agent's business: it goes to the agent as approval.<channel>
        assertThat(sink.current.get("org.openpista.channel.cli")).containsExactlyInAnyOrderEntriesOf(Map.of("enabled", true));
        Map<String, Object> web = sink.current.get("org.openpista.channel.web");
        assertThat(web).containsOnlyKeys("enabled", "bind", "port", ".token", "cors.origins", "static.dir",
                "shared.session.id", "max.frame.bytes");
        assertThat(web).containsEntry("enabled", true).containsEntry("bind", "0.0.0.0").containsEntry("port", 3210)
                .containsEntry(".token", "web-secret").containsEntry("static.dir", userHome.resolve("web").toString())
                .containsEntry("shared.session.id", "main").containsEntry("max.frame.bytes", 1048576);
        assertThat((String[]) web.get("cors.origins")).containsExactly("https://a.example", "https://b.example");

        Map<String, Object> telegram = sink.current.get("org.openpista.channel.telegram");
        assertThat(telegram).containsOnlyKeys("enabled", ".token", "api.url", "allowed.users");
        assertThat(telegram).containsEntry("enabled", false).containsEntry(".token", "tg-secret")
                .containsEntry("api.url", "http://127.0.0.1:8081");
        assertThat((Long[]) telegram.get("allowed.users")).containsExactly(123456789L, 987654321L);

        Map<String, Object> whatsapp = sink.current.get("org.openpista.channel.whatsapp");
        assertThat(whatsapp).containsOnlyKeys("enabled", "mode", "session.dir", "bridge.path", "allowed.numbers",
                "phone.number.id", ".access.token", ".verify.token", ".app.secret", "api.url");
        assertThat(whatsapp).containsEntry("mode", "cloud")
                .containsEntry("session.dir", userHome.resolve(".openpista/whatsapp-session").toString())
                .containsEntry("bridge.path", home.resolve("bridge-whatsapp/index.js").toString())
                .containsEntry("phone.number.id", "106540352242922")
                .containsEntry(".access.token", "wa-access-secret").containsEntry(".verify.token", "wa-verify-secret")
                .containsEntry(".app.secret", "wa-app-secret");
        assertThat((String[]) whatsapp.get("allowed.numbers")).containsExactly("+821012345678", "15551234567");

        assertThat((String[]) sink.current.get("org.openpista.cron").get("jobs")).containsExactly(
                "{\"schedule\":\"0 0 9 * * *\",\"message\":\"Good morning: summarise my inbox\","
                        + "\"channel\":\"telegram\",\"target\":\"123456789\"}",
                "{\"schedule\":\"0 0 18 * * FRI\",\"message\":\"Weekly report\",\"session\":\"reports\"}");
    }

    @Test
    void skillsAndSandboxKeysGoToTheSkillsPid() throws Exception {
        write("[skills]\nworkspace = \"ws\"\nrequire_docker = true\ndocker_host = \"unix:///tmp/d.sock\"\n"
                + "docker_image = \"busybox:stable\"\nwasm_engine = \"chicory\"\nscan_interval_secs = 0\n");

        loader.load();

        assertThat(sink.current.get("org.openpista.skills")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "workspace", home.resolve("ws").toString(),
                "require.docker", true,
                "docker.host", "unix:///tmp/d.sock",
                "docker.image", "busybox:stable",
                "wasm.engine", "chicory",
                "scan.interval.secs", 0));
    }

    @Test
    void telegramWebhookUrlAndSecretAreMappedTheSecretPrivately() throws Exception {
        write("[channels.telegram]\ntoken = \"1:t\"\nwebhook_url = \"https://bot.example.org/webhooks/telegram\"\n"
                + "webhook_secret = \"s3cret_Value-42\"\n");

        loader.load();

        assertThat(sink.current.get("org.openpista.channel.telegram")).containsExactlyInAnyOrderEntriesOf(Map.of(
                ".token", "1:t",
                "webhook.url", "https://bot.example.org/webhooks/telegram",
                ".webhook.secret", "s3cret_Value-42"));

        // empty means "generate one": the channel does that, the loader passes it on as not set
        write("[channels.telegram]\nwebhook_url = \"https://bot.example.org/hook\"\nwebhook_secret = \"\"\n");
        loader.load();
        assertThat(sink.current.get("org.openpista.channel.telegram")).containsEntry(".webhook.secret", "");
    }

    @Test
    void secretsNeverBecomePublicProperties() throws Exception {
        write(ORIGINAL);
        loader.load();

        sink.current.forEach((pid, properties) -> properties.forEach((key, value) -> {
            if (!key.startsWith(".")) {
                assertThat(String.valueOf(value)).as(pid + " " + key).doesNotContain("secret");
            }
        }));
    }

    @Nested
    class Errors {

        @Test
        void malformedTomlNamesTheLine() throws IOException {
            write("[agent]\nprovider = \"openai\"\nmax_tool_rounds = = 3\n");

            assertThatThrownBy(loader::load).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.line()).isEqualTo(3);
                assertThat(e.file()).isEqualTo(file);
                assertThat(e.getMessage()).startsWith(file + ":3: malformed TOML: ").doesNotContain("\n");
            });
        }

        @Test
        void duplicateKeyNamesTheLineOfTheSecondOne() throws IOException {
            write("[agent]\nprovider = \"openai\"\nprovider = \"ollama\"\n\n\n[skills]\n");

            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":3: agent.provider: malformed TOML: key given a value twice");
        }

        @Test
        void secretsStayOutOfSyntaxErrors() throws IOException {
            write("[agent]\napi_key = 0123456789\n");

            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(file + ":2: malformed TOML: ").hasMessageNotContaining("0123456789");
        }

        @Test
        void unknownProviderNamesLineKeyAndTheKnownOnes() throws IOException {
            write("# my config\n\n[agent]\nprovider = \"opnai\"\n");

            assertThatThrownBy(loader::load).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.line()).isEqualTo(4);
                assertThat(e.key()).isEqualTo("agent.provider");
                assertThat(e.getMessage()).isEqualTo(file + ":4: agent.provider: unknown provider \"opnai\" "
                        + "(known: anthropic, claude, openai, together, ollama, openrouter, custom, github-copilot, google,"
                        + " vercel-ai-gateway, azure-openai, bedrock, responses)");
            });
        }

        @Test
        void wrongTypesNameTheExpectedTypeOrRange() throws IOException {
            assertError("[agent]\nmax_tool_rounds = \"ten\"\n", 2, "agent.max_tool_rounds",
                    "expected an integer 1..10000, got \"ten\"");
            assertError("[agent]\nmodel = \"m\"\nmax_tool_rounds = -3\n", 3, "agent.max_tool_rounds",
                    "expected an integer 1..10000, got -3");
            assertError("[channels.web]\nenabled = true\nport = 99999\n", 3, "channels.web.port",
                    "expected an integer 0..65535, got 99999");
            assertError("[agent]\napproval = \"sometimes\"\n", 2, "agent.approval",
                    "unknown approval \"sometimes\" (known: ask, auto, deny)");
            assertError("[channels.telegram]\napproval = \"yes\"\n", 2, "channels.telegram.approval",
                    "unknown approval \"yes\" (known: ask, auto, deny)");
            assertError("[channels.cli]\nenabled = \"yes\"\n", 2, "channels.cli.enabled",
                    "expected true or false, got \"yes\"");
            assertError("[channels.telegram]\nallowed_users = [\n  1,\n  \"bob\",\n]\n", 4,
                    "channels.telegram.allowed_users[1]", "expected an integer, got \"bob\"");
            assertError("[agent]\nbase_url = \"localhost:8080\"\n", 2, "agent.base_url",
                    "expected an http:// or https:// URL, got \"localhost:8080\"");
            assertError("[skills]\nwasm_engine = \"v8\"\n", 2, "skills.wasm_engine",
                    "unknown wasm engine \"v8\" (known: auto, wasmtime, chicory)");
            assertError("[skills]\nrequire_docker = \"yes\"\n", 2, "skills.require_docker",
                    "expected true or false, got \"yes\"");
            assertError("agent = 3\n", 1, "agent", "expected a table [agent], got a number");
            assertError("[cron]\nschedule = \"x\"\n", 1, "cron", "expected [[cron]] entries (an array of tables), got a table");
            assertError("[[cron]]\nschedule = \"0 * * * *\"\nmessage = \"a\"\n\n[[cron]]\nmessage = \"hi\"\n", 5, "cron[1].schedule",
                    "missing: every [[cron]] entry needs schedule and message");
        }

        @Test
        void nothingIsAppliedOnError() throws Exception {
            write(ORIGINAL);
            loader.load();
            Map<String, Map<String, Object>> before = new LinkedHashMap<>(sink.current);
            int applies = sink.applies;

            write(ORIGINAL.replace("port = 3210", "port = \"3210\"").replace("model = \"claude-sonnet-4-5\"", "model = \"other\""));
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class).hasMessageContaining(":24: channels.web.port:");

            assertThat(sink.applies).isEqualTo(applies);
            assertThat(sink.current).isEqualTo(before);
        }

        @Test
        void secretsStayOutOfErrors() throws IOException {
            write("[channels.web]\ntoken = 12345678\n");
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":2: channels.web.token: expected a string, got a number");

            write("[agent]\napi_key = [\"sk-in-a-list\"]\n");
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":2: agent.api_key: expected a string, got a list");

            // Telegram accepts only A-Z, a-z, 0-9, _ and - in a webhook secret; the value is not repeated
            write("[channels.telegram]\nwebhook_secret = \"my secret!\"\n");
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":2: channels.telegram.webhook_secret: expected 1 to 256 characters out of A-Z, "
                            + "a-z, 0-9, _ and -");
            write("[channels.telegram]\nwebhook_url = \"bot.example.org/hook\"\n");
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":2: channels.telegram.webhook_url: expected an http:// or https:// URL, "
                            + "got \"bot.example.org/hook\"");
        }

        private void assertError(String toml, int line, String key, String problem) throws IOException {
            write(toml);
            assertThatThrownBy(loader::load).as(toml).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.getMessage()).isEqualTo(file + ":" + line + ": " + key + ": " + problem);
                assertThat(e.line()).isEqualTo(line);
                assertThat(e.key()).isEqualTo(key);
            });
        }
    }

    @Nested
    class Warnings {

        @Test
        void unknownKeysAndSectionsWarnWithLine() throws Exception {
            write(String.join("\n",
                    "[agent]",
                    "provider = \"ollama\"",
                    "temprature = 0.2",
                    "[telemetry]",
                    "enabled = true",
                    "[channels.discord]",
                    "token = \"discord-secret\"",
                    "[channels.web]",
                    "colour = \"blue\"",
                    "[[cron]]",
                    "schedule = \"0 * * * *\"",
                    "message = \"hi\"",
                    "when = \"now\"",
                    "top_level = 1",
                    ""));

            ConfigReport report = loader.load();

            assertThat(report.warnings()).containsExactly(
                    file + ":3: agent.temprature: unknown key, ignored (known: provider, model, base_url, api_key, "
                            + "max_tool_rounds, approval, system_prompt, timeout_secs, shutdown_grace_secs, provider_wait_secs)",
                    file + ":4: telemetry: no installed bundle reads [telemetry], ignored",
                    file + ":6: channels.discord: no installed bundle reads [channels.discord], ignored (channels: cli, web, "
                            + "telegram, whatsapp)",
                    file + ":9: channels.web.colour: unknown key, ignored (known: enabled, bind, port, token, "
                            + "cors_origins, static_dir, shared_session_id, max_frame_bytes, approval)",
                    file + ":13: cron[0].when: unknown key, ignored (known: schedule, message, session, channel, target)",
                    file + ":14: cron[0].top_level: unknown key, ignored (known: schedule, message, session, channel, target)");
            assertThat(String.join("\n", report.warnings())).doesNotContain("discord-secret");
            assertThat(sink.current).doesNotContainKey("org.openpista.channel.discord");
            assertThat(sink.current.get("org.openpista.channel.web")).isEmpty();
        }

        @Test
        void aPartialFrameworkSkipsTablesOfBundlesItLeftOutButStillWarnsAboutKeys() throws Exception {
            write("[agent]\nprovider = \"ollama\"\ntemprature = 0.2\n[channels.discord]\ntoken = \"t\"\n"
                    + "[telemetry]\nenabled = true\n[channels.web]\ncolour = \"blue\"\n");
            ConfigLoader oneShot = new ConfigLoader(new Locations(home, file, userHome), env::get, TestCatalog::standard,
                    sink, true);

            assertThat(oneShot.load().warnings()).containsExactly(
                    file + ":3: agent.temprature: unknown key, ignored (known: provider, model, base_url, api_key, "
                            + "max_tool_rounds, approval, system_prompt, timeout_secs, shutdown_grace_secs, provider_wait_secs)",
                    file + ":9: channels.web.colour: unknown key, ignored (known: enabled, bind, port, token, "
                            + "cors_origins, static_dir, shared_session_id, max_frame_bytes, approval)");
        }

        @Test
        void authAndProvidersSectionsAreAccepted() throws Exception {
            write("[auth]\nlogin_timeout_secs = 60\n[auth.openai]\ntoken_url = \"http://127.0.0.1:9/t\"\n"
                    + "[providers.together]\nmodel = \"m\"\n");

            assertThat(loader.load().warnings()).isEmpty();
        }

        @Test
        void aTableThatIsNotATableIsAnError() throws Exception {
            write("[channels]\nweb = 3\n");

            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":2: channels.web: expected a table [channels.web], got a number");
        }
    }

    @Test
    void aFileOthersCanReadThatHoldsSecretsIsWarnedAboutWithTheFix() throws Exception {
        write("[agent]\napi_key = \"sk-secret-1\"\n[channels.web]\ntoken = \"web-secret-123456789\"\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        ConfigReport report = loader.load();

        assertThat(report.warnings()).containsExactly(file + ": other users can read this file, and it holds secrets "
                + "(agent.api_key, channels.web.token): run chmod 600 " + file);
        assertThat(String.join("\n", report.warnings())).doesNotContain("sk-secret-1");

        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(loader.load().warnings()).isEmpty();
        write("[agent]\nmodel = \"m\"\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(loader.load().warnings()).as("no secrets, nothing to say").isEmpty();
    }

    @Nested
    class Environment {

        @Test
        void openpistaApiKeyWinsOverPresetVariableAndFile() throws Exception {
            write("[agent]\nprovider = \"openai\"\napi_key = \"from-file\"\n");
            env.put("OPENAI_API_KEY", "from-preset-variable");
            env.put("OPENPISTA_API_KEY", "from-openpista-variable");

            loader.load();
            assertThat(providerKey("openai")).isEqualTo("from-openpista-variable");

            env.remove("OPENPISTA_API_KEY");
            env.put("openpista_API_KEY", "from-seed-spelling");
            loader.load();
            assertThat(providerKey("openai")).isEqualTo("from-seed-spelling");

            env.remove("openpista_API_KEY");
            loader.load();
            assertThat(providerKey("openai")).isEqualTo("from-preset-variable");

            env.remove("OPENAI_API_KEY");
            loader.load();
            assertThat(providerKey("openai")).isEqualTo("from-file");
        }

        @Test
        void presetVariablesPerProvider() throws Exception {
            env.put("OPENAI_API_KEY", "openai-key");
            env.put("ANTHROPIC_API_KEY", "anthropic-key");
            env.put("TOGETHER_API_KEY", "together-key");
            env.put("OPENROUTER_API_KEY", "openrouter-key");
            Map<String, String> expected = Map.of("openai", "openai-key", "responses", "openai-key",
                    "anthropic", "anthropic-key", "claude", "anthropic-key", "together", "together-key",
                    "openrouter", "openrouter-key");
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                write("[agent]\nprovider = \"" + entry.getKey() + "\"\n");
                loader.load();
                assertThat(providerKey(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
            }
        }

        @Test
        void emptyVariablesCountAsUnset() throws Exception {
            write("[agent]\napi_key = \"from-file\"\n");
            env.put("OPENPISTA_API_KEY", "");
            env.put("OPENAI_API_KEY", "  ");

            loader.load();

            assertThat(providerKey("openai")).isEqualTo("from-file");
        }

        @Test
        void webPortAndTokenFromEnvironment() throws Exception {
            write("[channels.web]\nport = 3210\ntoken = \"file-token\"\n");
            env.put("openpista_WEB_PORT", "8080");
            env.put("OPENPISTA_WEB_TOKEN", "env-token");

            loader.load();

            assertThat(sink.current.get("org.openpista.channel.web")).containsEntry("port", 8080).containsEntry(".token", "env-token");
        }

        @Test
        void upperCaseSpellingWinsOverSeedSpelling() throws Exception {
            env.put("OPENPISTA_WEB_PORT", "9001");
            env.put("openpista_WEB_PORT", "9002");

            loader.load();

            assertThat(sink.current.get("org.openpista.channel.web")).containsEntry("port", 9001);
        }

        @Test
        void badWebPortInEnvironmentIsAnErrorNamingTheVariable() throws Exception {
            write(ORIGINAL);
            loader.load();
            int applies = sink.applies;
            env.put("openpista_WEB_PORT", "80a");

            assertThatThrownBy(loader::load).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.key()).isEqualTo("openpista_WEB_PORT");
                assertThat(e.getMessage()).isEqualTo(file + ": openpista_WEB_PORT: environment variable: "
                        + "expected an integer 0..65535, got \"80a\"");
            });
            env.put("openpista_WEB_PORT", "70000");
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class).hasMessageContaining("0..65535, got 70000");
            assertThat(sink.applies).isEqualTo(applies);
        }

        @Test
        void channelVariablesModelAndWorkspace() throws Exception {
            write("[agent]\nmodel = \"gpt-4o\"\n[skills]\nworkspace = \"~/ws\"\n");
            env.put("TELEGRAM_BOT_TOKEN", "tg-env");
            env.put("WHATSAPP_SESSION_DIR", "~/wa");
            env.put("WHATSAPP_BRIDGE_PATH", "/opt/bridge/index.js");
            env.put("openpista_WORKSPACE", "~/other-ws");
            env.put("OPENPISTA_MODEL", "gpt-5");

            ConfigReport report = loader.load();

            assertThat(report.model()).isEqualTo("gpt-5");
            assertThat(sink.current.get("org.openpista.agent")).containsEntry("model", "gpt-5");
            assertThat(sink.current.get("org.openpista.provider.openai~openai")).containsEntry("model", "gpt-5");
            assertThat(sink.current.get("org.openpista.channel.telegram")).containsExactly(Map.entry(".token", "tg-env"));
            assertThat(sink.current.get("org.openpista.channel.whatsapp")).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "session.dir", userHome.resolve("wa").toString(), "bridge.path", "/opt/bridge/index.js"));
            assertThat(sink.current.get("org.openpista.skills")).containsEntry("workspace", userHome.resolve("other-ws").toString());
            assertThat(sink.current.get("org.openpista.tool.system")).containsEntry("workspace", userHome.resolve("other-ws").toString());
            assertThat(sink.current.get("org.openpista.agent")).containsEntry("workspace", userHome.resolve("other-ws").toString());
        }

        private Object providerKey(String provider) {
            String factory = TestCatalog.presets().stream().filter(preset -> preset.name().equals(provider)).findFirst()
                    .orElseThrow().factoryPid();
            return sink.current.get(factory + "~" + provider).get(".api.key");
        }
    }

    @Nested
    class ProviderProblem {

        @Test
        void openaiWithoutKey() throws Exception {
            assertThat(loader.load().providerProblem()).isEqualTo("no API key for provider \"openai\": set OPENAI_API_KEY "
                    + "(or OPENPISTA_API_KEY), or add api_key under [agent] in " + file + ", or log in: openpista auth login openai"
                    + " (or set everything up with: openpista onboard)");
            assertThat(sink.current.get("org.openpista.provider.openai~openai")).doesNotContainKey(".api.key");
        }

        @Test
        void anyKeySourceSolvesIt() throws Exception {
            env.put("OPENPISTA_API_KEY", "k");
            assertThat(loader.load().providerProblem()).isEmpty();
            env.clear();
            write("[agent]\nprovider = \"claude\"\n");
            assertThat(loader.load().providerProblem()).contains("ANTHROPIC_API_KEY");
            env.put("ANTHROPIC_API_KEY", "k");
            assertThat(loader.load().providerProblem()).isEmpty();
        }

        @Test
        void ollamaNeverNeedsAKey() throws Exception {
            write("[agent]\nprovider = \"ollama\"\n");
            assertThat(loader.load().providerProblem()).isEmpty();
        }

        @Test
        void customNeedsBaseUrlButNoKey() throws Exception {
            write("[agent]\nprovider = \"custom\"\n");
            assertThat(loader.load().providerProblem())
                    .isEqualTo("provider \"custom\" needs an endpoint: add base_url under [agent] in " + file
                            + ", or store endpoint and key: openpista auth login custom");
            write("[agent]\nprovider = \"custom\"\nbase_url = \"http://127.0.0.1:9/v1\"\n");
            assertThat(loader.load().providerProblem()).isEmpty();
        }

        @Test
        void responsesNeedsAKey() throws Exception {
            write("[agent]\nprovider = \"responses\"\n");
            ConfigReport report = loader.load();
            assertThat(report.providerProblem()).startsWith("no API key for provider \"responses\": set OPENAI_API_KEY");
            assertThat(sink.current).containsKey("org.openpista.provider.responses~responses");
        }

        @Test
        void keysNeverAppearInTheReport() throws Exception {
            write(ORIGINAL);
            env.put("OPENPISTA_API_KEY", "sk-env-secret");
            ConfigReport report = loader.load();
            assertThat(report.toString()).doesNotContain("secret");
        }
    }

    @Nested
    class Values {

        @Test
        void providerNamesAreCaseInsensitiveAndEmptyMeansDefault() throws Exception {
            write("[agent]\nprovider = \" Claude \"\n");
            assertThat(loader.load().provider()).isEqualTo("claude");
            assertThat(sink.current).containsKey("org.openpista.provider.anthropic~claude");

            write("[agent]\nprovider = \"\"\n");
            assertThat(loader.load().provider()).isEqualTo("openai");
        }

        @Test
        void pathKeysAreAbsoluteTildeIsTheUsersHomeAndOthersStayAsWritten() throws Exception {
            write("[skills]\nworkspace = \"~/w\"\n[channels.web]\nstatic_dir = \"ui\"\nbind = \"~/not-a-path\"\n"
                    + "[database]\nurl = \"sqlite:relative.db\"\n");
            loader.load();
            assertThat(sink.current.get("org.openpista.skills")).containsEntry("workspace", userHome.resolve("w").toString());
            assertThat(sink.current.get("org.openpista.channel.web")).containsEntry("static.dir", home.resolve("ui").toString())
                    .containsEntry("bind", "~/not-a-path");
            assertThat(sink.current.get("org.openpista.memory.sqlite")).containsEntry("url", "sqlite:relative.db");
        }

        @Test
        void corsOriginsAsStringCommaListOrTomlList() throws Exception {
            assertThat(origins("\"*\"")).containsExactly("*");
            assertThat(origins("\"\"")).isEmpty();
            assertThat(origins("\"https://a, https://b ,\"")).containsExactly("https://a", "https://b");
            assertThat(origins("[\"https://a\", \" https://b\"]")).containsExactly("https://a", "https://b");
            assertThat(origins("[]")).isEmpty();
        }

        @Test
        void loadAgainRereadsTheFile() throws Exception {
            write("[agent]\nmodel = \"one\"\n");
            assertThat(loader.load().model()).isEqualTo("one");
            write("[agent]\nmodel = \"two\"\n");
            assertThat(loader.load().model()).isEqualTo("two");
            Files.delete(file);
            ConfigReport report = loader.load();
            assertThat(report.exists()).isFalse();
            assertThat(report.model()).isEmpty();
        }

        @Test
        void aFileWithAByteOrderMarkLoads() throws Exception {
            write("\uFEFF[agent]\nprovider = \"ollama\"\n");
            assertThat(loader.load().provider()).isEqualTo("ollama");
        }

        @Test
        void unreadableFileIsOneLine() throws Exception {
            Files.createDirectories(file);
            assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(file + ": cannot read: ").hasMessageNotContaining("\n");
        }

        private String[] origins(String toml) throws Exception {
            write("[channels.web]\ncors_origins = " + toml + "\n");
            loader.load();
            return (String[]) sink.current.get("org.openpista.channel.web").get("cors.origins");
        }
    }

    private void write(String toml) throws IOException {
        Files.writeString(file, toml, StandardCharsets.UTF_8);
        // as openpista's own files are (umask 077); a file others can read is warned about, tested on its own
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** Keeps what was applied last, as Configuration Admin would after {@link ConfigAdminSink}. */
    static final class MapSink implements ConfigSink {
        Map<String, Map<String, Object>> current = Map.of();
        int applies;

        @Override
        public void apply(Map<String, Map<String, Object>> configurations) {
            current = new LinkedHashMap<>(configurations);
            applies++;
        }
    }
}
