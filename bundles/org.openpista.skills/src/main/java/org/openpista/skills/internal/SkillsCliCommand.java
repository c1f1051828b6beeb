package org.openpista.skills.internal;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.skill.SkillException;
import org.openpista.api.skill.SkillInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista skills list|install|remove}: the skills the agent can use, with the isolation
 * each really gets on this machine. A running daemon picks installed or removed skills up by
 * itself within seconds.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=skills", scope = ServiceScope.PROTOTYPE)
@Command(name = "skills", mixinStandardHelpOptions = true,
        description = {"Skills: folders with a SKILL.md that the agent uses as tools skill.<name>.",
            "Found in the bundled skills, HOME/skills and the workspace; see skills/README.md."},
        subcommands = {SkillsCliCommand.ListSkills.class, SkillsCliCommand.Install.class, SkillsCliCommand.Remove.class})
public final class SkillsCliCommand implements CliCommand, Runnable {

    private final SkillCatalog catalog;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public SkillsCliCommand(@Reference SkillCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Something to do with the catalog; a refusal is one line on stderr and status 1. */
    private int with(SkillAction action) {
        try {
            return action.apply(catalog);
        } catch (SkillException e) {
            System.err.println("openpista: " + e.getMessage());
            return 1;
        }
    }

    @FunctionalInterface
    private interface SkillAction {
        int apply(SkillCatalog catalog) throws SkillException;
    }

    /** {@code skills list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the skills: name, mode, where it was found, the isolation a run really gets now",
                "(bubblewrap, docker, wasm (wasmtime), host (no isolation), refused: ...), description, and what it shadows."})
    static final class ListSkills implements Callable<Integer> {

        @ParentCommand
        SkillsCliCommand skills;

        @Override
        public Integer call() {
            return skills.with(catalog -> {
                System.out.print(SkillCommands.table(catalog.status()));
                System.out.flush();
                return 0;
            });
        }
    }

    /** {@code skills install ARCHIVE [--replace]}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Installs a skill from a zip archive into HOME/skills/<name>.",
                "The archive holds SKILL.md at its top or in one top folder; entries that would land outside",
                "(absolute paths, .., symbolic links) reject the whole archive."})
    static final class Install implements Callable<Integer> {

        @ParentCommand
        SkillsCliCommand skills;

        @Parameters(paramLabel = "ARCHIVE", description = "The zip file.")
        Path archive;

        @Option(names = "--replace", description = "Replace an installed skill of the same name.")
        boolean replace;

        @Override
        public Integer call() {
            return skills.with(catalog -> {
                SkillInfo installed = catalog.install(archive.toAbsolutePath(), replace);
                System.out.println("Installed skill " + installed.name() + " (" + installed.mode() + ") into " + installed.folder());
                return 0;
            });
        }
    }

    /** {@code skills remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a skill installed in HOME/skills.")
    static final class Remove implements Callable<Integer> {

        @ParentCommand
        SkillsCliCommand skills;

        @Parameters(paramLabel = "NAME", description = "The skill's name.")
        String name;

        @Override
        public Integer call() {
            return skills.with(catalog -> {
                catalog.remove(name);
                System.out.println("Removed skill " + name);
                return 0;
            });
        }
    }
}
