package org.openpista.provider.openai.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * The OpenAI-compatible hosts openpista knows by name ({@code [agent] provider}): where their API
 * root is, which model to use when none is configured, and which environment variable holds their
 * key. Default models follow the original openpista's presets, so an existing {@code config.toml}
 * keeps talking to the same model.
 */
enum Preset {
    /** OpenAI itself. */
    OPENAI("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o", "OPENAI_API_KEY"),
    /** Together AI's OpenAI-compatible endpoint. */
    TOGETHER("together", "Together", "https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "TOGETHER_API_KEY"),
    /** A local Ollama; needs no key. */
    OLLAMA("ollama", "Ollama", "http://localhost:11434/v1", "llama3.2", ""),
    /** OpenRouter, which routes to many vendors. */
    OPENROUTER("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "openai/gpt-4o", "OPENROUTER_API_KEY"),
    /** Any other OpenAI-compatible server: base URL and model come from the configuration; a key is optional. */
    CUSTOM("custom", "", "", "", "");

    /** The name used in configuration. */
    final String id;
    /** The vendor's name for messages; empty for {@link #CUSTOM}, which is named by its host. */
    final String displayName;
    /** The API root including {@code /v1}, as the vendor documents it; empty for {@link #CUSTOM}. */
    final String baseUrl;
    /** The model used when none is configured; empty for {@link #CUSTOM}. */
    final String defaultModel;
    /** The environment variable holding the key; empty when the host needs none. */
    final String keyVariable;

    Preset(String id, String displayName, String baseUrl, String defaultModel, String keyVariable) {
        this.id = id;
        this.displayName = displayName;
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
        this.keyVariable = keyVariable;
    }

    /** @return whether requests without an API key are bound to fail */
    boolean needsKey() {
        return !keyVariable.isEmpty();
    }

    /** @return the preset with this configuration name (case-insensitive; blank means openai) */
    static Optional<Preset> find(String id) {
        String wanted = id == null || id.isBlank() ? OPENAI.id : id.strip().toLowerCase(Locale.ROOT);
        for (Preset preset : values()) {
            if (preset.id.equals(wanted)) {
                return Optional.of(preset);
            }
        }
        return Optional.empty();
    }

    /** @return the configuration names of all presets, for messages */
    static String names() {
        return "openai, together, ollama, openrouter or custom";
    }
}
