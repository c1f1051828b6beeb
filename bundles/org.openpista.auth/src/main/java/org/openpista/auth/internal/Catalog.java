package org.openpista.auth.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openpista.api.auth.AuthMode;

/**
 * Every provider a login exists for, in the order pickers show them. Names are those of {@code
 * credentials.toml} tables and of {@code [agent] provider} (where {@code claude} stores as {@code
 * anthropic} and {@code responses} as {@code openai}). Names follow the original openpista, so an
 * existing {@code credentials.toml} keeps working. Which environment variables hold a key is the
 * providers' business ({@link DeclaredProviders}); a provider a plugin declares gets a key login
 * of its own.
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
     */
    record Entry(String name, String displayName, AuthMode mode, OAuthKind oauth) {}

    static final List<Entry> ENTRIES = List.of(
            new Entry("openai", "OpenAI (ChatGPT login or API key)", AuthMode.OAUTH, OAuthKind.OPENAI),
            new Entry("anthropic", "Anthropic (Claude login or API key)", AuthMode.OAUTH, OAuthKind.ANTHROPIC),
            new Entry("openrouter", "OpenRouter", AuthMode.OAUTH, OAuthKind.OPENROUTER),
            new Entry("github-copilot", "GitHub Copilot", AuthMode.OAUTH, OAuthKind.GITHUB_DEVICE),
            new Entry("together", "Together AI", AuthMode.API_KEY, OAuthKind.NONE),
            new Entry("google", "Google Gemini", AuthMode.API_KEY, OAuthKind.NONE),
            new Entry("vercel-ai-gateway", "Vercel AI Gateway", AuthMode.API_KEY, OAuthKind.NONE),
            new Entry("azure-openai", "Azure OpenAI", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE),
            new Entry("bedrock", "AWS Bedrock (API key)", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE),
            new Entry("custom", "Custom OpenAI-compatible server", AuthMode.ENDPOINT_AND_KEY, OAuthKind.NONE),
            new Entry("ollama", "Ollama (local)", AuthMode.NONE, OAuthKind.NONE));

    private Catalog() {}

    /** @return the entry for a name; {@code claude} and {@code responses} find their login's entry */
    static Optional<Entry> find(String name) {
        return find(name, List.of());
    }

    /**
     * @param declared the providers the installed bundles declare
     * @return the entry for a name: a built-in login, else the login of a declared provider (a
     *     plugin's), which takes what the provider needs
     */
    static Optional<Entry> find(String name, List<DeclaredProviders.Provider> declared) {
        String wanted = canonical(name);
        return entries(declared).stream().filter(entry -> entry.name().equals(wanted)).findFirst();
    }

    /** @return the built-in logins, then the logins of declared providers that none of them is */
    static List<Entry> entries(List<DeclaredProviders.Provider> declared) {
        List<Entry> entries = new ArrayList<>(ENTRIES);
        for (DeclaredProviders.Provider provider : declared) {
            if (entries.stream().noneMatch(entry -> entry.name().equals(provider.login()))) {
                entries.add(new Entry(provider.login(), provider.login(), provider.mode(), OAuthKind.NONE));
            }
        }
        return entries;
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
    static String names(List<DeclaredProviders.Provider> declared) {
        return String.join(", ", entries(declared).stream().map(Entry::name).toList());
    }
}
