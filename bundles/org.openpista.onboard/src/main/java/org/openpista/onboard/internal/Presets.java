package org.openpista.onboard.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ProviderPreset;
import org.osgi.framework.BundleContext;

/**
 * The providers {@code [agent] provider} may select, as the installed bundles declare them ({@link
 * ProviderPreset} capabilities), read on every use so that a plugin's provider is offered like a
 * built-in one.
 */
final class Presets {

    /**
     * One provider.
     *
     * @param name what {@code [agent] provider} selects
     * @param login the stored login it uses ({@code openpista auth login LOGIN})
     * @param needs {@code key}, {@code endpoint}, {@code login} or {@code nothing}
     * @param description one line for people
     */
    record Preset(String name, String login, String needs, String description) {
        Preset {
            name = name.strip().toLowerCase(Locale.ROOT);
            login = login == null || login.isBlank() ? name : login.strip().toLowerCase(Locale.ROOT);
            needs = needs == null || needs.isBlank() ? ProviderPreset.NEEDS_KEY : needs.strip();
            description = description == null ? "" : description.strip();
        }

        /** @return whether it works without any credential (a local server) */
        boolean needsNothing() {
            return needs.equals(ProviderPreset.NEEDS_NOTHING);
        }

        /** @return whether it needs an endpoint: a {@code base_url} or a stored login with one */
        boolean needsEndpoint() {
            return needs.equals(ProviderPreset.NEEDS_ENDPOINT);
        }
    }

    private Presets() {}

    /** @return the providers every installed bundle declares, started or not, in bundle order */
    static List<Preset> installed(BundleContext context) {
        return of(LlmProviders.declaredPresets(context));
    }

    /** @return the providers of capability attributes, each name once (the first declaration wins) */
    static List<Preset> of(List<Map<String, Object>> declarations) {
        Map<String, Preset> presets = new LinkedHashMap<>();
        for (Map<String, Object> attributes : declarations) {
            String name = text(attributes.get(ProviderPreset.NAME)).toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                presets.putIfAbsent(name, new Preset(name, text(attributes.get(ProviderPreset.LOGIN)),
                        text(attributes.get(ProviderPreset.NEEDS)), text(attributes.get(ProviderPreset.DESCRIPTION))));
            }
        }
        return List.copyOf(presets.values());
    }

    /** @return the provider of that name, or {@code null} */
    static Preset find(List<Preset> presets, String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return presets.stream().filter(preset -> preset.name().equals(wanted)).findFirst().orElse(null);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().strip();
    }
}
