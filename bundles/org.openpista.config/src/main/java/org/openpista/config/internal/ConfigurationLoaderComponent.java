package org.openpista.config.internal;

import java.nio.file.Path;
import java.util.List;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link ConfigurationLoader} and loads {@code config.toml} once at activation, so
 * the daemon starts configured. A broken file is logged as one line and leaves Configuration Admin
 * as it was; the service stays up so a later {@code reload} (another {@link #load()}) can fix it.
 *
 * <p>It is also the {@link ModelSelector}: provider and model are configuration, so switching them
 * at runtime is a load with a runtime choice on top of the file, which creates the new provider's
 * configuration, deletes the old one and updates the agent's, all live.
 */
@Component(immediate = true, service = {ConfigurationLoader.class, ModelSelector.class})
public class ConfigurationLoaderComponent implements ConfigurationLoader, ModelSelector {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationLoaderComponent.class);

    private final ConfigLoader loader;
    private volatile ConfigReport last;

    /** The running providers, to list models and fill in default models. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<LlmProvider> providers = List.of();

    /**
     * @param context reads the framework properties {@value ConfigurationLoader#HOME_PROPERTY} and
     *     {@value ConfigurationLoader#FILE_PROPERTY}
     * @param admin receives the configurations
     */
    @Activate
    public ConfigurationLoaderComponent(BundleContext context, @Reference(name = "configurationAdmin") ConfigurationAdmin admin) {
        Locations locations = Locations.of(context::getProperty, Path.of(System.getProperty("user.home")));
        this.loader = new ConfigLoader(locations, System::getenv, new ConfigAdminSink(admin));
        try {
            last = loader.load();
        } catch (ConfigException e) {
            LOG.error("{}", e.getMessage());
        }
    }

    @Override
    public Path home() {
        return loader.locations().home();
    }

    @Override
    public Path configFile() {
        return loader.locations().file();
    }

    @Override
    public ConfigReport load() throws ConfigException {
        ConfigReport report = loader.load();
        last = report;
        return report;
    }

    @Override
    public ModelChoice current() {
        ConfigReport report = last;
        if (report == null) {
            return new ModelChoice(Providers.DEFAULT, "");
        }
        String model = report.model();
        if (model.isEmpty()) {
            LlmProvider provider = provider(report.provider());
            model = provider == null ? "" : provider.defaultModel();
        }
        return new ModelChoice(report.provider(), model);
    }

    @Override
    public List<String> providers() {
        return Providers.KNOWN;
    }

    @Override
    public List<ModelInfo> models() throws ProviderException {
        String name = current().provider();
        LlmProvider provider = provider(name);
        if (provider == null) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "the provider \"" + name + "\" is not running");
        }
        return provider.listModels();
    }

    @Override
    public ModelChoice select(String provider, String model) throws ConfigException {
        ConfigReport report = loader.select(provider, model);
        last = report;
        LOG.info("Switched to provider {}, model {}", report.provider(), report.model().isEmpty() ? "(default)" : report.model());
        return new ModelChoice(report.provider(), report.model());
    }

    private LlmProvider provider(String name) {
        for (LlmProvider provider : providers) {
            if (name.equals(provider.name())) {
                return provider;
            }
        }
        return null;
    }
}
