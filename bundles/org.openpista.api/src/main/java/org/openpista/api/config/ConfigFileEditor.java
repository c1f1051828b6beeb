package org.openpista.api.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Changes one setting of {@code config.toml} in place, for components that generate a secret
 * (the web chat's token, the Telegram webhook secret) and keep it for the next start. Provided by
 * the bundle that loads the file, so it writes the file that is read.
 */
@ProviderType
public interface ConfigFileEditor {

    /**
     * Sets {@code key = "value"} in {@code [section]}: replaces the key's line, or adds the key
     * after the section's last one, or adds the section at the end of the file (which is created
     * when missing). Comments and everything else stay as written. The file is replaced atomically
     * (written beside it, then renamed over it) and, since it holds a secret now, is readable by its
     * owner only.
     *
     * @param section a table name such as {@code channels.web}
     * @param key a bare key such as {@code token}
     * @param value only letters, digits and {@code _ - . : /}, so that it needs no escaping
     * @return the file that was written
     * @throws IOException when the file cannot be read or written
     * @throws IllegalArgumentException when the section, key or value is not of that form
     * @throws IllegalStateException when the file defines the section in a form this editor does not
     *     change (inline tables, dotted keys, sub-tables)
     */
    Path setSecret(String section, String key, String value) throws IOException;

    /**
     * Sets several keys of {@code [section]} at once, in the same way as {@link #setSecret}: each
     * key's line is replaced or added, everything else stays as written, the file is replaced
     * atomically and readable by its owner only. This is how commands such as {@code openpista web
     * setup} save what they were told.
     *
     * @param section a table name such as {@code channels.web}
     * @param values bare keys to {@code String}, {@code Boolean}, {@code Integer}, {@code Long} or a
     *     {@code List} of those, written in the order given
     * @return the file that was written
     * @throws IOException when the file cannot be read or written
     * @throws IllegalArgumentException when a section, key or value is not of that form
     * @throws IllegalStateException when the file defines the section in a form this editor does not
     *     change (inline tables, dotted keys, sub-tables)
     */
    Path set(String section, Map<String, ?> values) throws IOException;

    /**
     * Removes the table {@code [section]} and its sub-tables {@code [section.*]}: their header lines
     * and every line up to the next other table; the comment lines right above a removed header go
     * with it. Everything else stays as written; the file is replaced atomically and readable by its
     * owner only. This is how commands such as {@code openpista mcp remove} forget what they added.
     *
     * @param section a table name such as {@code mcp.servers.files}
     * @return whether the file had the table
     * @throws IOException when the file cannot be read or written
     * @throws IllegalArgumentException when the section is not a plain dotted name
     * @throws UnsupportedOperationException from an editor that cannot remove tables (the default)
     */
    default boolean removeSection(String section) throws IOException {
        throw new UnsupportedOperationException("this editor cannot remove [" + section + "]");
    }
}
