package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.osgi.framework.BundleException;

/**
 * The framework a one-shot command ({@code auth}, {@code model}) runs its services in: the core
 * feature, configured from {@code config.toml} and started. Configuration warnings go to standard
 * error; a configuration that cannot be loaded is a usage problem (exit status 2).
 */
final class CommandRuntime implements AutoCloseable {

    /** How long a service may take to appear. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** The configuration could not be loaded; its message names file, line and key. */
    static final class ConfigurationProblem extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigurationProblem(String message) {
            super(message, null, false, false);
        }
    }

    private final OsgiRuntime runtime;
    private final ConfigReport report;

    private CommandRuntime(OsgiRuntime runtime, ConfigReport report) {
        this.runtime = runtime;
        this.report = report;
    }

    /**
     * Starts the core feature with the configuration of this home.
     *
     * @throws ConfigurationProblem when {@code config.toml} cannot be loaded
     */
    static CommandRuntime start(Home home, PrintStream err) throws IOException, BundleException, ConfigurationProblem {
        OsgiRuntime runtime = OsgiRuntime.create(Distribution.locate(), home, List.of("core"), Map.of());
        try {
            ConfigReport report;
            try {
                report = runtime.loadConfiguration(START_TIMEOUT);
            } catch (ConfigException e) {
                throw new ConfigurationProblem(e.getMessage());
            }
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            runtime.startAll();
            return new CommandRuntime(runtime, report);
        } catch (BundleException | ConfigurationProblem | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** @return what the configuration said */
    ConfigReport report() {
        return report;
    }

    /** @return a service, waiting for it to appear */
    <S> S service(Class<S> type, String filter) {
        return runtime.awaitService(type, filter, START_TIMEOUT);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
