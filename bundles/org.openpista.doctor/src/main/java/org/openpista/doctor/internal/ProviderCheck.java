package org.openpista.doctor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Whether the selected provider answers and accepts the key, with the cheapest request there is:
 * listing its models (no tokens spent); and whether the configured model is among them. Skipped
 * under {@code --offline}.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=30")
public final class ProviderCheck implements DoctorCheck {

    private final ConfigurationLoader loader;

    @Reference(service = LlmProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    volatile List<Map.Entry<Map<String, Object>, LlmProvider>> providers = List.of();

    @Activate
    public ProviderCheck(@Reference ConfigurationLoader loader) {
        this.loader = loader;
    }

    @Override
    public String area() {
        return "provider";
    }

    @Override
    public List<CheckResult> check(Options options) {
        ConfigReport report;
        try {
            report = loader.report();
        } catch (ConfigException e) {
            return List.of(CheckResult.skipped("the configuration does not load (see config)"));
        }
        String name = report.provider();
        if (name.isBlank() || !report.providerProblem().isEmpty()) {
            return List.of(CheckResult.skipped("the provider is not ready (see config)"));
        }
        LlmProvider provider = find(name);
        if (provider == null) {
            return List.of(CheckResult.fail("provider " + name + " is configured but no installed bundle provides it",
                    "check [agent] provider (openpista model list shows what is installed)"));
        }
        if (options.offline()) {
            return List.of(CheckResult.skipped("provider " + name + " not asked (--offline)"));
        }
        List<ModelInfo> models;
        try {
            models = provider.listModels();
        } catch (ProviderException e) {
            return List.of(CheckResult.fail("provider " + name + " did not answer the model list: " + e.getMessage(),
                    fix(e)));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.ok("provider " + name + " answers and accepts the key (" + models.size() + " model"
                + (models.size() == 1 ? "" : "s") + " listed)"));
        String model = report.model().isBlank() ? provider.defaultModel() : report.model();
        boolean listed = models.stream().anyMatch(info -> info.id().equals(model));
        results.add(listed || models.isEmpty()
                ? CheckResult.ok("model " + model + (models.isEmpty() ? " (the provider lists none)" : " is offered"))
                : CheckResult.warn("model " + model + " is not among the " + models.size() + " models " + name + " lists",
                        "check [agent] model (openpista model list shows the offered models)"));
        return results;
    }

    private static String fix(ProviderException e) {
        return switch (e.kind()) {
            case AUTHENTICATION -> "the key was refused: set [agent] api_key or the provider's key variable, or run "
                    + "openpista auth login";
            case RATE_LIMITED -> "wait and run the doctor again";
            default -> "check [agent] base_url and the network (openpista doctor --offline checks the rest)";
        };
    }

    LlmProvider find(String name) {
        for (Map.Entry<Map<String, Object>, LlmProvider> entry : providers) {
            if (name.equals(entry.getKey().get(LlmProvider.NAME))) {
                return entry.getValue();
            }
        }
        return null;
    }
}
