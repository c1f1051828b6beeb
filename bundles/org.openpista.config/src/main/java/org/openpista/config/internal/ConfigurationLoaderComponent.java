package org.openpista.config.internal;

import java.nio.file.Path;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
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
 */
@Component(immediate = true, service = ConfigurationLoader.class)
public class ConfigurationLoaderComponent implements ConfigurationLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationLoaderComponent.class);

    private final ConfigLoader loader;

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
            loader.load();
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
        return loader.load();
    }
}
