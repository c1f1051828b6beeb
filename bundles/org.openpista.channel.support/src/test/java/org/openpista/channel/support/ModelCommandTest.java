package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;

/** {@code /model} in a chat: shown, switched by name or provider/name, and refusals without the daemon's paths. */
class ModelCommandTest {

    /** The configuration bundle's selector as a chat sees it: two providers, the choice it was given. */
    static final class Selector implements ModelSelector {
        ModelChoice current = new ModelChoice("openai", "");
        String lastProvider;

        @Override
        public ModelChoice current() {
            return current;
        }

        @Override
        public List<String> providers() {
            return List.of("openai", "anthropic");
        }

        @Override
        public List<ModelInfo> models() {
            return List.of();
        }

        @Override
        public ModelChoice select(String provider, String model) throws ConfigException {
            if (model.equals("nope")) {
                throw new ConfigException(Path.of("/home/me/.openpista/config.toml"), 3, "agent.model", "unknown model nope");
            }
            if (model.equals("boom")) {
                throw new IllegalStateException("the provider is gone");
            }
            lastProvider = provider;
            current = new ModelChoice(provider.isEmpty() ? current.provider() : provider, model);
            return current;
        }
    }

    final Selector selector = new Selector();

    @Test
    void withoutArgumentItShowsTheModelAndHowToSwitch() {
        assertThat(ModelCommand.answer(selector, "")).isEqualTo("Model: openai / (provider default)\n"
                + "Switch with /model NAME or /model PROVIDER/NAME (providers: openai, anthropic).");
    }

    @Test
    void switchesByNameOrByProviderAndName() {
        assertThat(ModelCommand.answer(selector, "gpt-5")).isEqualTo("✅ Model: openai / gpt-5");
        assertThat(selector.lastProvider).isEmpty();
        assertThat(ModelCommand.answer(selector, "anthropic/claude")).isEqualTo("✅ Model: anthropic / claude");
        assertThat(selector.lastProvider).isEqualTo("anthropic");
        // a slash that does not follow a provider is part of the model's name
        assertThat(ModelCommand.answer(selector, "meta/llama")).isEqualTo("✅ Model: anthropic / meta/llama");
        assertThat(selector.lastProvider).isEmpty();
    }

    @Test
    void refusalsSayWhatIsWrongButNotWhereTheDaemonKeepsItsFiles() {
        assertThat(ModelCommand.answer(selector, "nope")).isEqualTo("❌ agent.model: unknown model nope");
        assertThat(ModelCommand.answer(selector, "boom")).isEqualTo("❌ the provider is gone");
        assertThat(ModelCommand.answer(null, "")).startsWith("❌ The model cannot be shown or switched here");
    }
}
