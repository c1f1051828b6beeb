package org.openpista.api.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of loading {@code config.toml}.
 *
 * @param file the file read (it may not exist: then defaults apply)
 * @param exists whether the file exists
 * @param provider the selected provider, empty when none is configured
 * @param model the selected model, empty for the provider's default
 * @param providerProblem why the selected provider cannot work (for example no API key), with a
 *     hint how to fix it; empty when it is ready
 * @param warnings problems that did not stop loading, such as unknown keys, each naming file,
 *     line and key
 */
public record ConfigReport(Path file, boolean exists, String provider, String model, String providerProblem, List<String> warnings) {
    public ConfigReport {
        providerProblem = providerProblem == null ? "" : providerProblem;
        warnings = List.copyOf(warnings);
    }
}
