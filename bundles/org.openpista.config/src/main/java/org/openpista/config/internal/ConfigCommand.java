package org.openpista.config.internal;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista config example|check}: the configuration as the installed bundles declare it.
 * Both read the declarations anew, so plugins in {@code $OPENPISTA_HOME/plugins/} count.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=config", scope = ServiceScope.PROTOTYPE)
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"The configuration file, as the installed bundles (plugins included) declare it."},
        subcommands = {ConfigCommand.Example.class, ConfigCommand.Check.class})
public final class ConfigCommand implements CliCommand, Runnable {

    private final BundleContext context;
    private final ConfigurationLoader loader;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public ConfigCommand(BundleContext context, @Reference ConfigurationLoader loader) {
        this.context = context;
        this.loader = loader;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code config example}. */
    @Command(name = "example", mixinStandardHelpOptions = true,
            description = {"Prints a complete, commented config.toml: every table and key of the installed bundles at its "
                    + "default, with what it means and accepts. The file means the same as no file; keep what you change."})
    static final class Example implements Callable<Integer> {

        @ParentCommand
        ConfigCommand config;

        @Override
        public Integer call() {
            System.out.print(ExampleWriter.write(new InstalledCatalog(config.context).get()));
            System.out.flush();
            return 0;
        }
    }

    /** {@code config check [FILE]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks a configuration file (default: the one in use) against the installed bundles and "
                    + "prints what would apply: the provider, then each configuration with its values (secrets hidden).",
                "",
                "Exit status: 0 the file can be used (warnings included), 2 it cannot."})
    static final class Check implements Callable<Integer> {

        @ParentCommand
        ConfigCommand config;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The file to check (default: the configuration "
                + "file in use).")
        Path file;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Path target = file == null ? config.loader.configFile() : file.toAbsolutePath().normalize();
            Map<String, Map<String, Object>> applied = new LinkedHashMap<>();
            ConfigLoader check = new ConfigLoader(new Locations(config.loader.home(), target, ConfigurationLoader.userHome()),
                    name -> ConfigurationLoader.getenv(config.context, name), new InstalledCatalog(config.context),
                    configurations -> applied.putAll(configurations));
            ConfigReport report;
            try {
                report = check.load();
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return 2;
            }
            out.println(target + (report.exists() ? ": ok" : ": absent, the defaults apply"));
            report.warnings().forEach(warning -> out.println("warning: " + warning));
            out.println("provider: " + report.provider() + (report.model().isEmpty() ? " (its default model)"
                    : ", model " + report.model()));
            if (!report.providerProblem().isEmpty()) {
                out.println("warning: " + report.providerProblem());
            }
            applied.forEach((pid, properties) -> {
                out.println();
                out.println("[" + pid + "]");
                properties.forEach((key, value) -> out.println("  " + key + " = " + shown(key, value)));
            });
            return 0;
        }

        private static String shown(String key, Object value) {
            if (key.startsWith(".") || key.contains("secret") || key.contains("token")) {
                return value == null || value.toString().isEmpty() ? "\"\"" : "(set, hidden)";
            }
            if (value != null && value.getClass().isArray()) {
                StringBuilder items = new StringBuilder("[");
                for (int i = 0; i < Array.getLength(value); i++) {
                    items.append(i == 0 ? "" : ", ").append(literal(Array.get(value, i)));
                }
                return items.append(']').toString();
            }
            return literal(value);
        }

        private static String literal(Object value) {
            return value instanceof String text ? TomlValues.quote(text) : String.valueOf(value);
        }
    }
}
