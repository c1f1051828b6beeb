package org.openpista.auth.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openpista.api.auth.AuthMode;

/**
 * Every provider a login exists for, in the order pickers show them. Names are those of {@code
 * credentials.toml} tables and of {@code [agent] provider} (where {@code claude} stores as {@code
 * anthropic} and {@code responses} as {@code openai}). Names and key variables follow the original
 * openpista, so an existing {@code credentials.toml} keeps working.
 */
final class Catalog {

    /** The OAuth flow a provider logs in with. */
    enum OAuthKind {
        /** No OAuth login. */
        NONE,
        /** OpenAI: authorization code + PKCE, loopback callback, id_token → API key exchange. */
        OPENAI,
        /** Anthropic: authorization code + PKCE, the vendor shows the code and the user pastes it. */
        ANTHROPIC,
        /** OpenRouter: PKCE, loopback callback, code → API key. */
        OPENROUTER,
        /** GitHub Copilot: device code, then the GitHub token is exchanged for Copilot tokens. */
        GITHUB_DEVICE
    }

    /**
     * One provider.
     *
     * @param name the login's name
     * @param displayName the vendor's name
     * @param mode what it needs
     * @param oauth how it logs in with OAuth
     * @param keyVariables environment variables that hold its key (those the configuration bundle reads)
     */
    record Entry(String name, String displayName, AuthMode mode, OAuthKind oauth, List<String> keyVariables) {}

    static final List<Entry> ENTRIES = List.of(
            new Entry("openai", "OpenAI (ChatGPT login or API key)", AuthMode.OAUTH, OAuthKind.OPENAI, List.of("OPENAI_API_KEY")),
            new Entry("anthropic", "Anthropic (Claude login or API key)", AuthMode.OAUTH, OAuthKind.ANTHROPIC,
                    List.of("ANTHROPIC_API_KEY")),
            new Entry("openrouter", "OpenRouter", AuthMode.OAUTH, OAuthKind.OPENROUTER, List.of("OPENROUTER_API_KEY")),
            new Entry("github-copilot", "GitHub Copilot", AuthMode.OAUTH, OAuthKind.GITHUB_DEVICE, List.of()),
            new Entry("together", "Together AI", AuthMode.API_KEY, OAuthKind.NONE, List.of("TOGETHER_API_KEY")),
            new Entry("google", "Google Gemini", AuthMode.API_KEY, OAuthKind.NONE, List.of("GOOGLE_API_KEY")),
            new Entry("vercel-ai-gateway", "Vercel AI Gateway", AuthMode.API_KEY, OAuthKind.NONE,
                    List.of("VERCEL_AI_GATEWAY_API_KEY")),
            new Entry("azure-openai", "Azure OpenAI", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE, List.of("AZURE_OPENAI_API_KEY")),
            new Entry("bedrock", "AWS Bedrock (API key)", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE,
                    List.of("AWS_BEARER_TOKEN_BEDROCK")),
            new Entry("custom", "Custom OpenAI-compatible server", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE, List.of()),
            new Entry("ollama", "Ollama (local)", AuthMode.NONE, OAuthKind.NONE, List.of()));

    private Catalog() {}

    /** @return the entry for a name; {@code claude} and {@code responses} find their login's entry */
    static Optional<Entry> find(String name) {
        String wanted = canonical(name);
        return ENTRIES.stream().filter(entry -> entry.name().equals(wanted)).findFirst();
    }

    /** @return the login's name for a provider name: lower case, {@code claude} → {@code anthropic}, {@code responses} → {@code openai} */
    static String canonical(String name) {
        String lower = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "claude" -> "anthropic";
            case "responses" -> "openai";
            case "copilot", "github" -> "github-copilot";
            case "gemini" -> "google";
            case "vercel" -> "vercel-ai-gateway";
            case "azure" -> "azure-openai";
            default -> lower;
        };
    }

    /** @return the names of all entries, for messages */
    static String names() {
        return String.join(", ", ENTRIES.stream().map(Entry::name).toList());
    }
}
