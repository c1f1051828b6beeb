package org.openpista.api.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.BundleContext;

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

    /**
     * The outcome of the last load, without reading the file again: the one when this service
     * started (it loads once then), or of the last {@link #load()}.
     *
     * @return what was loaded, with warnings
     * @throws ConfigException what the last load failed with
     */
    ConfigReport report() throws ConfigException;

    /**
     * Sets a value for this process only, on top of the file and the environment, for a command-line
     * option such as {@code openpista telegram start --token T}: never written anywhere, applied by
     * the next {@link #load()}. A secret stays a private property, as from the file.
     *
     * @param section the table, such as {@code channels.telegram}
     * @param key the TOML key, such as {@code token}
     * @param value a {@code String}, {@code Boolean}, {@code Integer} or {@code Long}
     */
    void override(String section, String key, Object value);

    /**
     * @param section the table, such as {@code channels.web}
     * @param key the TOML key, such as {@code token}
     * @return the environment variable that sets this key now (it wins over the file), if one does
     */
    Optional<String> environmentOf(String section, String key);

    /**
     * The home folder of this framework: the framework property {@value #HOME_PROPERTY}, else
     * {@code ~/.openpista}. Bundles read it here rather than each on its own.
     *
     * @param context any bundle context of the framework
     * @return the home folder
     */
    static Path home(BundleContext context) {
        String home = context.getProperty(HOME_PROPERTY);
        return home == null || home.isBlank() ? userHome().resolve(".openpista") : Path.of(home.strip());
    }

    /** Prefix of the framework properties that carry the environment variables the launcher kept out of the process's environment. */
    String ENVIRONMENT_PREFIX = "openpista.env.";

    /** Framework property: the names of the variables handed over that way, comma-separated. */
    String ENVIRONMENT_NAMES = "openpista.env.names";

    /**
     * An environment variable of the user who started openpista. The launcher keeps secrets out of
     * the process's own environment (which any process of the same user can read through {@code
     * /proc}) and hands them over as framework properties {@value #ENVIRONMENT_PREFIX}{@code NAME};
     * read variables here, not with {@link System#getenv(String)}.
     *
     * @param context any bundle context of the framework
     * @param name the variable, such as {@code OPENAI_API_KEY}
     * @return its value, or {@code null} when it is not set
     */
    static String getenv(BundleContext context, String name) {
        String handedOver = context.getProperty(ENVIRONMENT_PREFIX + name);
        return handedOver != null ? handedOver : System.getenv(name);
    }

    /**
     * @param context any bundle context of the framework
     * @return every environment variable of the user who started openpista: the process's own and
     *     those the launcher handed over (see {@link #getenv(BundleContext, String)})
     */
    static Map<String, String> environment(BundleContext context) {
        Map<String, String> all = new HashMap<>(System.getenv());
        String names = context.getProperty(ENVIRONMENT_NAMES);
        for (String name : names == null ? new String[0] : names.split(",")) {
            String value = context.getProperty(ENVIRONMENT_PREFIX + name);
            if (!name.isBlank() && value != null) {
                all.put(name, value);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /** @return the user's home folder: {@code $HOME} as a shell sees it, else Java's {@code user.home} */
    static Path userHome() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /**
     * Resolves a path as {@code config.toml} means it: a leading {@code ~} is the user's home
     * ({@link #userHome()}), a relative path is relative to the openpista home.
     *
     * @param home the openpista home
     * @param path the path as written; empty gives the home itself
     * @return the absolute, normalized path
     */
    static Path resolve(Path home, String path) {
        String text = path == null ? "" : path.strip();
        if (text.equals("~")) {
            return userHome().toAbsolutePath().normalize();
        }
        if (text.startsWith("~/")) {
            return userHome().resolve(text.substring(2)).toAbsolutePath().normalize();
        }
        return home.resolve(text).toAbsolutePath().normalize();
    }
}
