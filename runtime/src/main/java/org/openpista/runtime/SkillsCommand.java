package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.skill.SkillException;
import org.openpista.api.skill.SkillInfo;
import org.osgi.framework.BundleException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista skills list|install|remove}: the skills the agent can use. Runs the skill
 * catalog of the distribution (core and skills features) with this home's configuration, so it
 * sees what {@code run} and {@code start} see. A running daemon picks installed or removed skills
 * up by itself within seconds.
 */
@Command(
        name = "skills",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Skills: folders with a SKILL.md that the agent uses as tools skill.<name>.",
            "Found in the bundled skills, HOME/skills and the workspace; see skills/README.md."},
        subcommands = {SkillsCommand.ListSkills.class, SkillsCommand.Install.class, SkillsCommand.Remove.class})
final class SkillsCommand implements Runnable {


    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Something to do with the catalog; returns the exit status. */
    @FunctionalInterface
    interface Action {
        int apply(SkillCatalog catalog, PrintStream out, PrintStream err) throws SkillException;
    }

    int withCatalog(Action action) throws IOException, BundleException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Home home = main.setUpLogging(null);
        try (OsgiRuntime runtime = OsgiRuntime.create(Distribution.locate(), home, List.of("core", "skills"), Map.of())) {
            ConfigReport report;
            try {
                report = runtime.loadConfiguration(START_TIMEOUT);
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            runtime.startAll();
            SkillCatalog catalog = runtime.awaitService(SkillCatalog.class, null, START_TIMEOUT);
            try {
                return action.apply(catalog, out, err);
            } catch (SkillException e) {
                err.println("openpista: " + e.getMessage());
                return Main.FAILED;
            }
        }
    }

    /** {@code openpista skills list} */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Lists the skills: name, mode, where it was found, description.")
    static final class ListSkills implements Callable<Integer> {

        @ParentCommand
        SkillsCommand skills;

        @Override
        public Integer call() throws IOException, BundleException {
            return skills.withCatalog((catalog, out, err) -> {
                List<SkillInfo> found = catalog.skills();
                if (found.isEmpty()) {
                    out.println("No skills. Put a folder with a SKILL.md into ~/.openpista/skills or the workspace.");
                    return 0;
                }
                int width = found.stream().mapToInt(skill -> skill.name().length()).max().orElse(4);
                for (SkillInfo skill : found) {
                    String description = skill.description().length() > 70
                            ? skill.description().substring(0, 67) + "..." : skill.description();
                    out.printf("%-" + width + "s  %-10s  %-9s  %s%n", skill.name(), skill.mode(), skill.origin(), description);
                }
                return 0;
            });
        }
    }

    /** {@code openpista skills install ARCHIVE [--replace]} */
    @Command(name = "install", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Installs a skill from a zip archive into HOME/skills/<name>.",
                "The archive holds SKILL.md at its top or in one top folder; entries that would land outside",
                "(absolute paths, .., symbolic links) reject the whole archive."})
    static final class Install implements Callable<Integer> {

        @ParentCommand
        SkillsCommand skills;

        @Parameters(paramLabel = "ARCHIVE", description = "The zip file.")
        Path archive;

        @Option(names = "--replace", description = "Replace an installed skill of the same name.")
        boolean replace;

        @Override
        public Integer call() throws IOException, BundleException {
            return skills.withCatalog((catalog, out, err) -> {
                SkillInfo installed = catalog.install(archive.toAbsolutePath(), replace);
                out.println("Installed skill " + installed.name() + " (" + installed.mode() + ") into " + installed.folder());
                return 0;
            });
        }
    }

    /** {@code openpista skills remove NAME} */
    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Removes a skill installed in HOME/skills.")
    static final class Remove implements Callable<Integer> {

        @ParentCommand
        SkillsCommand skills;

        @Parameters(paramLabel = "NAME", description = "The skill's name.")
        String name;

        @Override
        public Integer call() throws IOException, BundleException {
            return skills.withCatalog((catalog, out, err) -> {
                catalog.remove(name);
                out.println("Removed skill " + name);
                return 0;
            });
        }
    }
}
