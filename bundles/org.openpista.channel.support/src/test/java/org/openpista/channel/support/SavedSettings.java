package org.openpista.channel.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.openpista.api.config.ConfigFileEditor;

/**
 * What a channel or its command asked to save in config.toml, {@code "section key"} → value (the file
 * itself is the config bundle's job, tested there). In this bundle's test jar.
 */
public final class SavedSettings implements ConfigFileEditor {

    /** The keys saved: {@code "channels.telegram webhook_secret"} → its value as text. */
    public final Map<String, String> saved = new ConcurrentHashMap<>();
    private final Supplier<Path> file;
    /** When set, saving fails with this, as a file that cannot be written does. */
    public volatile String problem;

    /** @param file the config.toml it answers with (a supplier: a test's temporary folder comes later) */
    public SavedSettings(Supplier<Path> file) {
        this.file = file;
    }

    @Override
    public Path setSecret(String section, String key, String value) throws IOException {
        return set(section, Map.of(key, value));
    }

    @Override
    public Path set(String section, Map<String, ?> values) throws IOException {
        if (problem != null) {
            throw new IOException(problem);
        }
        values.forEach((key, value) -> saved.put(section + " " + key, String.valueOf(value)));
        return file.get();
    }
}
