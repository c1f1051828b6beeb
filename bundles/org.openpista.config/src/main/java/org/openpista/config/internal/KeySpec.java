package org.openpista.config.internal;

import java.util.List;
import java.util.Locale;

/**
 * One key of a {@code config.toml} table as its bundle's metatype describes it.
 *
 * @param key the TOML key, such as {@code max_tool_rounds}
 * @param id the configuration property, such as {@code max.tool.rounds} or {@code .api.key}
 * @param type the metatype type ({@link org.osgi.service.metatype.AttributeDefinition#STRING} …)
 * @param list whether the value is a list (metatype cardinality other than 0)
 * @param min the smallest number (or shortest string), empty when unbounded
 * @param max the largest number (or longest string), empty when unbounded
 * @param options the allowed values, empty when any
 * @param defaults the default, as the metatype writes it (a list for list keys), empty when none
 * @param name a short label
 * @param description one line for the user
 * @param secret whether the value must never appear in a message or a public property
 * @param format one of the {@link org.openpista.api.settings.SettingsSection} formats, or empty
 * @param required whether an entry of an array of tables must have it (metatype {@code required})
 */
record KeySpec(String key, String id, int type, boolean list, String min, String max, List<String> options,
        List<String> defaults, String name, String description, boolean secret, String format, boolean required) {

    KeySpec {
        options = List.copyOf(options);
        defaults = List.copyOf(defaults);
        min = min == null ? "" : min;
        max = max == null ? "" : max;
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        format = format == null ? "" : format;
    }

    /** @return the TOML key of a metatype attribute id: the leading dot of a private one dropped, dots as underscores */
    static String tomlKey(String id) {
        String plain = id.startsWith(".") ? id.substring(1) : id;
        return plain.replace('.', '_');
    }

    /** @return this key with a format from the table's declaration */
    KeySpec withFormat(String newFormat) {
        return new KeySpec(key, id, type, list, min, max, options, defaults, name, description, secret, newFormat, required);
    }

    /** @return this key under another property id */
    KeySpec withId(String newId) {
        return new KeySpec(key, newId, type, list, min, max, options, defaults, name, description, secret, format, required);
    }

    /** @return the label in lower case, for messages such as {@code unknown approval "x"} */
    String noun() {
        return name.isEmpty() ? "value" : name.toLowerCase(Locale.ROOT);
    }
}
