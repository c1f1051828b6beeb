package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

class SettingsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "openai,     https://api.openai.com/v1,    gpt-4o,                                   OPENAI_API_KEY",
        "together,   https://api.together.xyz/v1,  meta-llama/Llama-3.3-70B-Instruct-Turbo,  TOGETHER_API_KEY",
        "ollama,     http://localhost:11434/v1,    llama3.2,                                 ''",
        "openrouter, https://openrouter.ai/api/v1, openai/gpt-4o,                            OPENROUTER_API_KEY",
        "custom,     '',                           '',                                       ''"
    })
    void presetsFillInEndpointModelAndKeyVariable(String preset, String baseUrl, String model, String keyVariable) {
        Settings settings = Settings.of(Configs.config(Map.of("provider_name", preset)));

        assertThat(settings.baseUrl()).isEqualTo(baseUrl);
        assertThat(settings.model()).isEqualTo(model);
        assertThat(settings.preset().keyVariable).isEqualTo(keyVariable);
        assertThat(settings.name()).isEqualTo(preset);
    }

    @Test
    void readsTheConfigurationContract() {
        Settings settings = Settings.of(Configs.config(Map.of(
                "provider_name", "work",
                "preset", " OpenRouter ",
                "base_url", "https://proxy.example.com/api/v1//",
                "_api_key", " sk-or-123 ",
                "model", "anthropic/claude-sonnet-4",
                "max_retries", 5,
                "timeout_secs", 30,
                "stream", false)));

        assertThat(settings.name()).isEqualTo("work");
        assertThat(settings.preset()).isEqualTo(Preset.OPENROUTER);
        assertThat(settings.baseUrl()).isEqualTo("https://proxy.example.com/api/v1");
        assertThat(settings.apiKey()).isEqualTo("sk-or-123");
        assertThat(settings.model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(settings.maxRetries()).isEqualTo(5);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.stream()).isFalse();
        assertThat(settings.vendor()).isEqualTo("OpenRouter");
        assertThat(settings.hostPort()).isEqualTo("proxy.example.com:443");
        assertThat(settings.toString()).doesNotContain("sk-or-123");
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        Settings settings = Settings.of(Configs.config(Map.of()));

        assertThat(settings.name()).isEqualTo("openai");
        assertThat(settings.preset()).isEqualTo(Preset.OPENAI);
        assertThat(settings.maxRetries()).isEqualTo(3);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.stream()).isTrue();
    }

    @Test
    void customWithoutBaseUrlSaysToSetIt() {
        Settings settings = Settings.of(Configs.config(Map.of("provider_name", "custom", "model", "m")));

        ProviderException error = catchThrowableOfType(ProviderException.class, settings::requireUsable);

        assertThat(error.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(error.getMessage()).contains("[agent] base_url").contains("'custom'");
    }

    @Test
    void customWithBaseUrlNeedsNoKeyButAModel() throws ProviderException {
        Settings settings = Settings.of(Configs.config(Map.of("preset", "custom", "base_url", "http://10.0.0.5:8000/v1")));

        assertThatCode(settings::requireUsable).doesNotThrowAnyException();
        assertThat(settings.vendor()).isEqualTo("10.0.0.5:8000");
        assertThat(settings.modelFor("served-model")).isEqualTo("served-model");
        ProviderException error = catchThrowableOfType(ProviderException.class, () -> settings.modelFor(""));
        assertThat(error.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(error.getMessage()).contains("[agent] model");
    }

    @Test
    void missingKeysNameThePresetsVariable() {
        for (Preset preset : new Preset[] {Preset.OPENAI, Preset.TOGETHER, Preset.OPENROUTER}) {
            Settings settings = Settings.of(Configs.config(Map.of("preset", preset.id)));

            ProviderException error = catchThrowableOfType(ProviderException.class, settings::requireUsable);

            assertThat(error.kind()).isEqualTo(Kind.NOT_CONFIGURED);
            assertThat(error.getMessage()).contains(preset.keyVariable).contains("[agent] api_key");
        }
        assertThatCode(Settings.of(Configs.config(Map.of("preset", "ollama")))::requireUsable).doesNotThrowAnyException();
    }

    @Test
    void refusesUnknownPresetsAndBrokenUrls() {
        ProviderException unknown = catchThrowableOfType(ProviderException.class,
                Settings.of(Configs.config(Map.of("preset", "gemini", "_api_key", "k")))::requireUsable);
        ProviderException broken = catchThrowableOfType(ProviderException.class,
                Settings.of(Configs.config(Map.of("base_url", "ftp://files.example.com", "_api_key", "k")))::requireUsable);

        assertThat(unknown.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(unknown.getMessage()).contains("'gemini'").contains("openai, together, ollama, openrouter, custom,").contains(" or bedrock");
        assertThat(broken.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(broken.getMessage()).contains("ftp://files.example.com").contains("[agent] base_url");
    }

    @Test
    void aKeyHintPointsAtTheFileForHostsWithoutVariable() {
        assertThat(Settings.of(Configs.config(Map.of("preset", "ollama"))).keyHint()).isEqualTo("[agent] api_key");
        assertThat(Settings.of(Configs.config(Map.of())).keyHint()).isEqualTo("OPENAI_API_KEY or [agent] api_key");
    }
}
