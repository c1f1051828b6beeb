package org.openpista.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ProviderPreset;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The provider bundles as the configuration bundle sees them: the presets they declare as {@value
 * ProviderPreset#NAMESPACE} capabilities, and the {@link LlmProvider} services Declarative Services
 * publishes for a factory configuration, named by its {@value LlmProvider#NAME}.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ProvidersInFrameworkTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String OPENAI = "org.openpista.provider.openai";
    static final String ANTHROPIC = "org.openpista.provider.anthropic";
    static final String RESPONSES = "org.openpista.provider.responses";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 20_000)
    ConfigurationAdmin configurations;

    /** @return every declared preset by name, with the symbolic name of the bundle declaring it */
    Map<String, BundleCapability> presets() {
        Map<String, BundleCapability> presets = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            for (BundleCapability preset : bundle.adapt(BundleRevision.class).getDeclaredCapabilities(ProviderPreset.NAMESPACE)) {
                BundleCapability earlier = presets.put((String) preset.getAttributes().get(ProviderPreset.NAME), preset);
                assertThat(earlier).as("a preset declared twice").isNull();
            }
        }
        return presets;
    }

    @Test
    void everyBuiltInPresetIsDeclaredByTheBundleServingItsFactory() {
        Map<String, BundleCapability> presets = presets();

        assertThat(presets).containsOnlyKeys("openai", "together", "ollama", "openrouter", "custom", "github-copilot", "google",
                "vercel-ai-gateway", "azure-openai", "bedrock", "anthropic", "claude", "responses");
        assertThat(LlmProviders.declaredPresets(context)).as("what the logins, the onboarding and the doctor read")
                .extracting(attributes -> attributes.get(ProviderPreset.NAME)).containsExactlyInAnyOrderElementsOf(presets.keySet());
        presets.forEach((name, preset) -> {
            String factory = (String) preset.getAttributes().get(ProviderPreset.FACTORY_PID);
            assertThat(preset.getRevision().getSymbolicName()).as(name).isEqualTo(factory);
            assertThat((String) preset.getAttributes().get(ProviderPreset.DESCRIPTION)).as(name).isNotBlank();
        });
        assertThat(presets.get("claude").getAttributes())
                .containsEntry(ProviderPreset.FACTORY_PID, ANTHROPIC)
                .containsEntry(ProviderPreset.LOGIN, "anthropic")
                .containsEntry(ProviderPreset.KEY_VARIABLES, List.of("ANTHROPIC_API_KEY"));
        assertThat(presets.get("responses").getAttributes())
                .containsEntry(ProviderPreset.LOGIN, "openai")
                .containsEntry(ProviderPreset.KEY_VARIABLES, List.of("OPENAI_API_KEY"));
        assertThat(presets.get("bedrock").getAttributes()).containsEntry(ProviderPreset.KEY_VARIABLES, List.of("AWS_BEARER_TOKEN_BEDROCK"));
        assertThat(Stream.of("ollama", "custom", "github-copilot").map(name -> presets.get(name).getAttributes()))
                .extracting(attributes -> attributes.get(ProviderPreset.NEEDS), attributes -> attributes.containsKey(ProviderPreset.KEY_VARIABLES))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ProviderPreset.NEEDS_NOTHING, false),
                        org.assertj.core.groups.Tuple.tuple(ProviderPreset.NEEDS_ENDPOINT, false),
                        org.assertj.core.groups.Tuple.tuple(ProviderPreset.NEEDS_LOGIN, false));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        OPENAI + ", itest-together, together, together-model",
        ANTHROPIC + ", itest-claude, claude, claude-model",
        RESPONSES + ", itest-responses, responses, responses-model"
    })
    void aFactoryConfigurationBecomesAProviderNamedByItsProviderName(String factory, String name, String preset, String model)
            throws Exception {
        Configuration configuration = configurations.getFactoryConfiguration(factory, name, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(LlmProvider.NAME, name);
        properties.put("preset", preset);
        properties.put("model", model);
        properties.put(".api.key", "sk-itest-secret");
        configuration.update(properties);
        try {
            ServiceTracker<LlmProvider, LlmProvider> tracker = new ServiceTracker<>(context,
                    FrameworkUtil.createFilter("(&(objectClass=" + LlmProvider.class.getName() + ")(" + LlmProvider.NAME + "=" + name + "))"),
                    null);
            tracker.open();
            try {
                LlmProvider provider = tracker.waitForService(WAIT.toMillis());
                assertThat(provider).as("the %s provider", name).isNotNull();
                ServiceReference<LlmProvider> reference = tracker.getServiceReference();

                assertThat(provider.name()).isEqualTo(name).isEqualTo(reference.getProperty(LlmProvider.NAME));
                assertThat(provider.defaultModel()).isEqualTo(model);
                assertThat(reference.getBundle().getSymbolicName()).isEqualTo(factory);
                assertThat(reference.getPropertyKeys()).as("private properties stay private").doesNotContain(".api.key");
            } finally {
                tracker.close();
            }
        } finally {
            configuration.delete();
        }
    }
}
