package org.openpista.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.Array;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Checks one TOML value against its key's metatype and turns it into the Java value pushed to
 * Configuration Admin: {@code String}, {@code Boolean}, {@code Integer}, {@code Long}, {@code
 * Double}, or an array of those for list keys. Problems say what was expected; a secret's value is
 * never repeated.
 */
final class Values {

    /** A value that does not fit its key; the message says what was expected. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        /** Index of the list element at fault, or -1 for the value as a whole. */
        final int element;

        BadValue(String problem) {
            this(problem, -1);
        }

        BadValue(String problem, int element) {
            super(problem, null, false, false);
            this.element = element;
        }
    }

    private Values() {}

    /**
     * @param spec the key
     * @param value the TOML value
     * @return the converted value
     * @throws BadValue when the value does not fit
     */
    static Object read(KeySpec spec, JsonNode value) throws BadValue {
        if (!spec.list()) {
            return single(spec, value, false);
        }
        List<JsonNode> items = new ArrayList<>();
        boolean csv = spec.format().equals(SettingsSection.CSV);
        boolean map = spec.format().equals(SettingsSection.MAP);
        if (map) {
            return map(spec, value);
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (csv && item.isTextual()) {
                    // as in the string form: items trimmed, blanks dropped
                    if (!item.textValue().isBlank()) {
                        items.add(JsonNodeFactory.instance.textNode(item.textValue().strip()));
                    }
                } else {
                    items.add(item);
                }
            }
        } else if (value.isTextual() && csv) {
            for (String part : value.textValue().split(",")) {
                if (!part.isBlank()) {
                    items.add(JsonNodeFactory.instance.textNode(part.strip()));
                }
            }
        } else {
            throw new BadValue("expected a list of " + plural(spec) + (csv
                    ? " (or one string of comma-separated items)" : "") + got(value, spec.secret()));
        }
        Object array = Array.newInstance(elementType(spec.type()), items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                Array.set(array, i, single(spec, items.get(i), true));
            } catch (BadValue bad) {
                throw new BadValue(bad.getMessage(), i);
            }
        }
        return array;
    }

    /** A table of strings (or a list of {@code name=value}) as {@code name=value} items, in file order. */
    private static String[] map(KeySpec spec, JsonNode value) throws BadValue {
        List<String> items = new ArrayList<>();
        if (value.isObject()) {
            for (var entry : value.properties()) {
                checkName(entry.getKey());
                if (!entry.getValue().isTextual() && !entry.getValue().isNumber() && !entry.getValue().isBoolean()) {
                    throw new BadValue("expected a string for " + entry.getKey() + got(entry.getValue(), spec.secret()));
                }
                items.add(entry.getKey() + "=" + entry.getValue().asText());
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                int equals = item.isTextual() ? item.textValue().indexOf('=') : -1;
                if (equals <= 0) {
                    throw new BadValue("expected \"NAME=value\"" + got(item, spec.secret()), i);
                }
                try {
                    checkName(item.textValue().substring(0, equals).strip());
                } catch (BadValue bad) {
                    throw new BadValue(bad.getMessage(), i);
                }
                items.add(item.textValue().substring(0, equals).strip() + "=" + item.textValue().substring(equals + 1));
            }
        } else {
            throw new BadValue("expected a table of strings such as { NAME = \"value\" }" + got(value, spec.secret()));
        }
        return items.toArray(String[]::new);
    }

    private static void checkName(String name) throws BadValue {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new BadValue("expected names of letters, digits, _, - and ., got " + quote(name));
        }
    }

    /**
     * Reads a value given as text, from an environment variable or a command-line option.
     *
     * @throws BadValue when the text does not fit
     */
    static Object fromText(KeySpec spec, String text) throws BadValue {
        JsonNode node;
        switch (spec.type()) {
            case AttributeDefinition.BOOLEAN -> node = text.strip().equalsIgnoreCase("true") || text.strip().equalsIgnoreCase(
                    "false") ? JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text.strip()))
                            : JsonNodeFactory.instance.textNode(text);
            case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT, AttributeDefinition.BYTE ->
                node = text.strip().matches("-?[0-9]{1,18}") ? JsonNodeFactory.instance.numberNode(Long.parseLong(text.strip()))
                        : JsonNodeFactory.instance.textNode(text);
            default -> node = JsonNodeFactory.instance.textNode(text);
        }
        if (spec.list() && node.isTextual()) {
            return read(spec.withFormat(SettingsSection.CSV), node);
        }
        return read(spec, node);
    }

    private static Object single(KeySpec spec, JsonNode value, boolean element) throws BadValue {
        boolean secret = spec.secret();
        switch (spec.type()) {
            case AttributeDefinition.BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new BadValue("expected true or false" + got(value, secret));
                }
                return value.booleanValue();
            }
            case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> {
                return integer(spec, value, element);
            }
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> {
                if (!value.isNumber()) {
                    throw new BadValue("expected a number" + range(spec) + got(value, secret));
                }
                double number = value.doubleValue();
                if (!spec.min().isEmpty() && number < Double.parseDouble(spec.min())
                        || !spec.max().isEmpty() && number > Double.parseDouble(spec.max())) {
                    throw new BadValue("expected a number" + range(spec) + got(value, secret));
                }
                return spec.type() == AttributeDefinition.FLOAT ? (Object) (float) number : (Object) number;
            }
            default -> {
                return text(spec, value);
            }
        }
    }

    private static Object integer(KeySpec spec, JsonNode value, boolean element) throws BadValue {
        long number;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            number = value.longValue();
        } else if (element && value.isTextual() && value.textValue().strip().matches("-?[0-9]{1,18}")) {
            // ids in lists are often written as strings
            number = Long.parseLong(value.textValue().strip());
        } else {
            throw new BadValue("expected " + (element ? "an integer" : "an integer" + range(spec)) + got(value, spec.secret()));
        }
        long min = spec.min().isEmpty() ? Long.MIN_VALUE : Long.parseLong(spec.min());
        long max = spec.max().isEmpty() ? Long.MAX_VALUE : Long.parseLong(spec.max());
        if (spec.type() == AttributeDefinition.INTEGER) {
            min = Math.max(min, Integer.MIN_VALUE);
            max = Math.min(max, Integer.MAX_VALUE);
        }
        if (number < min || number > max) {
            throw new BadValue("expected an integer" + range(spec) + got(value, spec.secret()));
        }
        return spec.type() == AttributeDefinition.LONG ? (Object) number : (Object) (int) number;
    }

    private static String text(KeySpec spec, JsonNode value) throws BadValue {
        boolean secret = spec.secret();
        String text;
        if (value.isTextual()) {
            text = value.textValue();
        } else if (value.isIntegralNumber() && spec.format().equals(SettingsSection.DIGITS)) {
            text = value.bigIntegerValue().toString();
        } else {
            throw new BadValue("expected a string" + got(value, secret));
        }
        if (!spec.options().isEmpty()) {
            for (String option : spec.options()) {
                if (option.equalsIgnoreCase(text.strip())) {
                    return option;
                }
            }
            throw new BadValue("unknown " + spec.noun() + (secret ? "" : " " + quote(text)) + " (known: "
                    + String.join(", ", spec.options()) + ")");
        }
        switch (spec.format()) {
            case SettingsSection.URL -> {
                return url(text, secret);
            }
            case SettingsSection.WORD -> {
                if (!text.isEmpty() && !text.matches("[A-Za-z0-9_-]+")) {
                    throw new BadValue("expected" + length(spec).replace(" characters", "") + " characters out of A-Z, a-z, 0-9, _ "
                            + "and -" + (secret ? "" : ", got " + quote(text)));
                }
            }
            default -> { }
        }
        if (!text.isEmpty() && (!spec.min().isEmpty() && text.length() < Integer.parseInt(spec.min())
                || !spec.max().isEmpty() && text.length() > Integer.parseInt(spec.max()))) {
            throw new BadValue("expected" + length(spec) + (secret ? "" : ", got " + quote(text)));
        }
        return text;
    }

    private static String url(String text, boolean secret) throws BadValue {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return "";
        }
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new BadValue("expected an http:// or https:// URL" + (secret ? "" : ", got " + quote(text)));
    }

    private static String range(KeySpec spec) {
        if (spec.min().isEmpty() && spec.max().isEmpty()) {
            return "";
        }
        if (spec.max().isEmpty()) {
            return " of at least " + spec.min();
        }
        if (spec.min().isEmpty()) {
            return " of at most " + spec.max();
        }
        return " " + spec.min() + ".." + spec.max();
    }

    private static String length(KeySpec spec) {
        if (spec.min().isEmpty() && spec.max().isEmpty()) {
            return "";
        }
        return " " + (spec.min().isEmpty() ? "0" : spec.min()) + " to " + (spec.max().isEmpty() ? "any number of" : spec.max())
                + " characters";
    }

    private static String plural(KeySpec spec) {
        return switch (spec.type()) {
            case AttributeDefinition.BOOLEAN -> "true or false values";
            case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT, AttributeDefinition.BYTE ->
                "integers";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "numbers";
            default -> "strings";
        };
    }

    private static Class<?> elementType(int type) {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> Boolean.class;
            case AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> Integer.class;
            case AttributeDefinition.LONG -> Long.class;
            case AttributeDefinition.DOUBLE -> Double.class;
            case AttributeDefinition.FLOAT -> Float.class;
            default -> String.class;
        };
    }

    /** @return ", got ..." describing the value, or only its kind for secrets */
    static String got(JsonNode value, boolean secret) {
        if (value.isTextual()) {
            return secret ? ", got a string" : ", got " + quote(value.textValue());
        }
        if (value.isArray()) {
            return ", got a list";
        }
        if (value.isObject()) {
            return ", got a table";
        }
        if (value.isBoolean()) {
            return ", got " + value.booleanValue();
        }
        if (value.isNumber()) {
            return secret ? ", got a number" : ", got " + value.asText();
        }
        return "";
    }

    /** @return the text in double quotes on one line, shortened when long */
    static String quote(String text) {
        String oneLine = text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "\"";
    }
}
