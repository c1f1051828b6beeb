package org.openpista.api.config;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads {@code config.toml}, applies environment overrides, validates it and pushes every section
 * into Configuration Admin, so components are configured the OSGi way. The home folder and file
 * come from the framework properties {@value #HOME_PROPERTY} and {@value #FILE_PROPERTY}.
 */
@ProviderType
public interface ConfigurationLoader {

    /** Framework property: the openpista home folder. */
    String HOME_PROPERTY = "openpista.home";

    /** Framework property: the configuration file, default {@code $home/config.toml}. */
    String FILE_PROPERTY = "openpista.config";

    /** @return the home folder */
    Path home();

    /** @return the configuration file */
    Path configFile();

    /**
     * Reads and applies the configuration. Nothing is applied when it fails.
     *
     * @return what was loaded, with warnings
     * @throws ConfigException when the file is malformed or names something unknown
     */
    ConfigReport load() throws ConfigException;
}
