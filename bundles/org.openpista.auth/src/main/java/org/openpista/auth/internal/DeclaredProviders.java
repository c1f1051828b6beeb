package org.openpista.auth.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ProviderPreset;
import org.osgi.framework.BundleContext;

/**
 * The providers the installed bundles declare ({@link ProviderPreset} capabilities), read anew on
 * every use so that a plugin counts as soon as it is installed: which login each one falls back to
 * and which environment variables hold its key. The provider bundles own those facts; this bundle
 * keeps no list of them.
 */
final class DeclaredProviders {

    /** {@code OPENPISTA_API_KEY} is every provider's key; the original openpista's spelling counts too. */
    static final List<String> GENERAL_KEY_VARIABLES = List.of("OPENPISTA_API_KEY", "openpista_API_KEY");

    /**
     * One declared provider.
     *
     * @param name what {@code [agent] provider} selects
     * @param login the stored login it falls back to (its own name unless it says otherwise)
     * @param keyVariables environment variables holding its key, in order of preference
     * @param needs {@code key}, {@code endpoint}, {@code login} or {@code nothing}
     */
    record Provider(String name, String login, List<String> keyVariables, String needs) {
        Provider {
            name = name.strip().toLowerCase(Locale.ROOT);
            login = login == null || login.isBlank() ? name : Catalog.canonical(login);
            keyVariables = List.copyOf(keyVariables);
            needs = needs == null || needs.isBlank() ? ProviderPreset.NEEDS_KEY : needs.strip();
        }

        /** @return what a login of this provider takes, for providers the built-in logins do not know */
        AuthMode mode() {
            return switch (needs) {
                case ProviderPreset.NEEDS_NOTHING -> AuthMode.NONE;
                case ProviderPreset.NEEDS_ENDPOINT -> AuthMode.ENDPOINT_AND_KEY;
                default -> AuthMode.API_KEY;
            };
        }
    }

    private DeclaredProviders() {}

    /** @return the providers every installed bundle declares, started or not, in bundle order */
    static List<Provider> installed(BundleContext context) {
        return of(LlmProviders.declaredPresets(context));
    }

    /** @return the providers of capability attributes ({@code name}, {@code login}, {@code key.variables}, {@code needs}) */
    static List<Provider> of(List<Map<String, Object>> declarations) {
        List<Provider> providers = new ArrayList<>();
        for (Map<String, Object> attributes : declarations) {
            String name = text(attributes.get(ProviderPreset.NAME));
            if (!name.isEmpty()) {
                providers.add(new Provider(name, text(attributes.get(ProviderPreset.LOGIN)),
                        list(attributes.get(ProviderPreset.KEY_VARIABLES)), text(attributes.get(ProviderPreset.NEEDS))));
            }
        }
        return providers;
    }

    /**
     * @param providers the declared providers
     * @param login a login's name
     * @return the variables that give a provider of this login its key, {@code OPENPISTA_API_KEY}
     *     first; none when no provider that needs a key uses the login
     */
    static List<String> keyVariables(List<Provider> providers, String login) {
        List<String> variables = new ArrayList<>();
        for (Provider provider : providers) {
            if (provider.login().equals(login) && !provider.needs().equals(ProviderPreset.NEEDS_NOTHING)) {
                if (variables.isEmpty()) {
                    variables.addAll(GENERAL_KEY_VARIABLES);
                }
                provider.keyVariables().stream().filter(variable -> !variables.contains(variable)).forEach(variables::add);
            }
        }
        return variables;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().strip();
    }

    /** A list attribute, also when a hand-written manifest gives one comma-separated string. */
    private static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        Collection<?> items = value instanceof Collection<?> collection ? collection
                : value instanceof Object[] array ? Arrays.asList(array) : Arrays.asList(value.toString().split(","));
        return items.stream().map(item -> item.toString().strip()).filter(item -> !item.isEmpty()).toList();
    }
}
