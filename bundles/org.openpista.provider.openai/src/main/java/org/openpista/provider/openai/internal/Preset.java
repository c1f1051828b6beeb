package org.openpista.provider.openai.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The OpenAI-compatible hosts openpista knows by name ({@code [agent] provider}): where their API
 * root is, which model to use when none is configured, which environment variable holds their
 * key, and which stored login ({@code openpista auth login}) can stand in for a configured key.
 * Default models of the original presets follow the original openpista, so an existing {@code
 * config.toml} keeps talking to the same model.
 */
enum Preset {
    /** OpenAI itself. */
    OPENAI("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o", "OPENAI_API_KEY", true),
    /** Together AI's OpenAI-compatible endpoint. */
    TOGETHER("together", "Together", "https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "TOGETHER_API_KEY", true),
    /** A local Ollama; needs no key. */
    OLLAMA("ollama", "Ollama", "http://localhost:11434/v1", "llama3.2", "", false),
    /** OpenRouter, which routes to many vendors. */
    OPENROUTER("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "openai/gpt-4o", "OPENROUTER_API_KEY", true),
    /** Any other OpenAI-compatible server: base URL and model come from the configuration or its login; a key is optional. */
    CUSTOM("custom", "", "", "", "", false),
    /** GitHub Copilot's chat completions, with a Copilot token from {@code openpista auth login github-copilot}. */
    GITHUB_COPILOT("github-copilot", "GitHub Copilot", "https://api.githubcopilot.com", "gpt-4.1", "", true),
    /** Google Gemini through its OpenAI-compatible endpoint. */
    GOOGLE("google", "Google Gemini", "https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.5-flash",
            "GOOGLE_API_KEY", true),
    /** Vercel AI Gateway, which routes to many vendors. */
    VERCEL("vercel-ai-gateway", "Vercel AI Gateway", "https://ai-gateway.vercel.sh/v1", "openai/gpt-4o",
            "VERCEL_AI_GATEWAY_API_KEY", true),
    /**
     * Azure OpenAI: the endpoint is the resource ({@code https://NAME.openai.azure.com}), the model
     * is the deployment name, the key goes in {@code api-key}, and every request names {@code
     * api-version}.
     */
    AZURE("azure-openai", "Azure OpenAI", "", "", "AZURE_OPENAI_API_KEY", true),
    /**
     * AWS Bedrock's OpenAI-compatible Chat Completions endpoint of a region, with a Bedrock API key
     * as bearer token (no SigV4 signing).
     */
    BEDROCK("bedrock", "AWS Bedrock", "", "openai.gpt-oss-120b-1:0", "AWS_BEARER_TOKEN_BEDROCK", true);

    /** The name used in configuration, also the name of its stored login. */
    final String id;
    /** The vendor's name for messages; empty for {@link #CUSTOM}, which is named by its host. */
    final String displayName;
    /** The API root including {@code /v1}, as the vendor documents it; empty where it depends on the account. */
    final String baseUrl;
    /** The model used when none is configured; empty where it depends on the account. */
    final String defaultModel;
    /** The environment variable holding the key; empty when there is none. */
    final String keyVariable;
    /** Whether requests without a key or login are bound to fail. */
    final boolean needsKey;

    Preset(String id, String displayName, String baseUrl, String defaultModel, String keyVariable, boolean needsKey) {
        this.id = id;
        this.displayName = displayName;
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
        this.keyVariable = keyVariable;
        this.needsKey = needsKey;
    }

    /** @return whether requests without an API key are bound to fail */
    boolean needsKey() {
        return needsKey;
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
        String all = Arrays.stream(values()).map(preset -> preset.id).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
