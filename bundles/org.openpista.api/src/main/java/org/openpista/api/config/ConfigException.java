package org.openpista.api.config;

import java.nio.file.Path;

/**
 * {@code config.toml} cannot be used. The message names the file, the line and the key, for
 * example {@code /home/me/.openpista/config.toml:3: [agent] provider: unknown provider "opnai"}.
 */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String key;

    /**
     * @param file the configuration file
     * @param line the 1-based line, or 0 when unknown
     * @param key the dotted key such as {@code agent.provider}, or empty
     * @param problem what is wrong, without file or line
     */
    public ConfigException(Path file, int line, String key, String problem) {
        super(format(file, line, key, problem));
        this.file = file;
        this.line = line;
        this.key = key == null ? "" : key;
    }

    private static String format(Path file, int line, String key, String problem) {
        StringBuilder text = new StringBuilder().append(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (key != null && !key.isEmpty()) {
            text.append(key).append(": ");
        }
        return text.append(problem).toString();
    }

    /** @return the configuration file */
    public Path file() {
        return file;
    }

    /** @return the 1-based line, or 0 when unknown */
    public int line() {
        return line;
    }

    /** @return the dotted key, or empty */
    public String key() {
        return key;
    }
}
