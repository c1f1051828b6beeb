package org.openpista.onboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.onboard.internal.Presets.Preset;

/** The providers read from the bundles' declarations. */
class PresetsTest {

    @Test
    void aDeclarationGivesNameLoginNeedsAndDescriptionWithTheirDefaults() {
        List<Preset> presets = Presets.of(List.of(
                Map.of("name", "OpenAI", "description", "OpenAI's API", "key.variables", List.of("OPENAI_API_KEY")),
                Map.of("name", "responses", "login", "openai", "needs", "key"),
                Map.of("name", "ollama", "needs", "nothing"),
                Map.of("name", "openai", "description", "a second declaration of the same name"),
                Map.of("description", "no name: ignored")));

        assertThat(presets).containsExactly(new Preset("openai", "openai", "key", "OpenAI's API"),
                new Preset("responses", "openai", "key", ""), new Preset("ollama", "ollama", "nothing", ""));
        assertThat(presets.get(2).needsNothing()).isTrue();
        assertThat(Presets.find(presets, " Responses ")).isEqualTo(presets.get(1));
        assertThat(Presets.find(presets, "nope")).isNull();
    }

    @Test
    void anEndpointProviderSaysSo() {
        assertThat(new Preset("custom", "", "endpoint", null).needsEndpoint()).isTrue();
        assertThat(new Preset("custom", "", "", null).needs()).isEqualTo("key");
    }
}
