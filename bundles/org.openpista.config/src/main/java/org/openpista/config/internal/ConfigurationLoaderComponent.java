package org.openpista.config.internal;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
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
    private final BundleContext context;
    private volatile ConfigReport last;
    private volatile ConfigException failure;

    /**
     * @param context reads the framework properties {@value ConfigurationLoader#HOME_PROPERTY} and
     *     {@value ConfigurationLoader#FILE_PROPERTY}
     * @param admin receives the configurations
     */
    /**
     * Framework property: {@code true} when the framework holds only some of the distribution's
     * bundles (a one-shot {@code run} has no channels), so a table none of them reads gives no
     * warning: a bundle left out for this command reads it. The launcher sets it.
     */
    static final String PARTIAL_PROPERTY = "openpista.bundles.partial";

    @Activate
    public ConfigurationLoaderComponent(BundleContext context, @Reference(name = "configurationAdmin") ConfigurationAdmin admin) {
        this.context = context;
        Locations locations = Locations.of(context::getProperty, ConfigurationLoader.userHome());
        this.loader = new ConfigLoader(locations, name -> ConfigurationLoader.getenv(context, name), new InstalledCatalog(context),
                new ConfigAdminSink(admin), Boolean.parseBoolean(context.getProperty(PARTIAL_PROPERTY)));
        try {
            load();
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
        try {
            ConfigReport report = loader.load();
            last = report;
            failure = null;
            return report;
        } catch (ConfigException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public ConfigReport report() throws ConfigException {
        ConfigException failed = failure;
        if (failed != null) {
            throw failed;
        }
        return last;
    }

    @Override
    public void override(String section, String key, Object value) {
        loader.override(section, key, value);
    }

    @Override
    public Optional<String> environmentOf(String section, String key) {
        return loader.environmentOf(section, key);
    }

    @Override
    public ModelChoice current() {
        ConfigReport report = last;
        if (report == null) {
            return new ModelChoice("", "");
        }
        String model = report.model();
        if (model.isEmpty()) {
            model = defaultModel(report.provider());
        }
        return new ModelChoice(report.provider(), model);
    }

    @Override
    public List<String> providers() {
        return loader.providers();
    }

    @Override
    public List<ModelInfo> models() throws ProviderException {
        String name = current().provider();
        List<ModelInfo> models = withProvider(name, LlmProvider::listModels, null);
        if (models == null) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "the provider \"" + name + "\" is not running");
        }
        return models;
    }

    @Override
    public ModelChoice select(String provider, String model) throws ConfigException {
        ConfigReport report = loader.select(provider, model);
        last = report;
        LOG.info("Switched to provider {}, model {}", report.provider(), report.model().isEmpty() ? "(default)" : report.model());
        return new ModelChoice(report.provider(), report.model());
    }

    /** Work on a provider service. */
    @FunctionalInterface
    private interface ProviderWork<T> {
        T run(LlmProvider provider) throws ProviderException;
    }

    /**
     * Runs work on the provider of this name, looked up in the service registry for this one use:
     * the registry, not a bound reference, is what a caller that just waited for the service sees.
     *
     * @return the work's result, or {@code absent} when no such provider is registered
     */
    private <T> T withProvider(String name, ProviderWork<T> work, T absent) throws ProviderException {
        Collection<ServiceReference<LlmProvider>> references;
        try {
            references = context.getServiceReferences(LlmProvider.class, "(" + LlmProvider.NAME + "=" + escape(name) + ")");
        } catch (InvalidSyntaxException e) {
            return absent;
        }
        for (ServiceReference<LlmProvider> reference : references) {
            LlmProvider provider = context.getService(reference);
            if (provider == null) {
                continue;
            }
            try {
                return work.run(provider);
            } finally {
                context.ungetService(reference);
            }
        }
        return absent;
    }

    private String defaultModel(String name) {
        try {
            return withProvider(name, LlmProvider::defaultModel, "");
        } catch (ProviderException cannotHappen) {
            return ""; // defaultModel() throws nothing
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }
}
