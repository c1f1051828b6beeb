package org.openpista.shell.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code openpista completion bash|zsh|fish}: a completion script for the commands installed right
 * now, the launcher's and every bundle's (a plugin's too). The launcher's command line (its own
 * commands and global options) is the root this command runs under; every other installed command
 * joins it. Bash and zsh share picocli's script (it loads zsh's bashcompinit itself); fish gets
 * {@link FishCompletion}'s.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=completion", scope = ServiceScope.PROTOTYPE)
@Command(
        name = "completion",
        description = {
            "Prints a shell completion script for the installed commands.",
            "bash: source <(openpista completion bash)   (or save it in ~/.local/share/bash-completion/completions/openpista)",
            "zsh:  source <(openpista completion zsh)    (in ~/.zshrc)",
            "fish: openpista completion fish > ~/.config/fish/completions/openpista.fish"
        },
        mixinStandardHelpOptions = true)
public final class CompletionCommand implements CliCommand, Callable<Integer> {

    /** The shells a script can be made for. */
    enum Shell {
        bash,
        zsh,
        fish
    }

    private final BundleContext context;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish")
    Shell shell;

    @Activate
    public CompletionCommand(BundleContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InvalidSyntaxException {
        CommandLine root = spec.root().commandLine();
        List<Runnable> release = new ArrayList<>();
        try {
            addInstalledCommands(root, release);
            root.getOut().print(script(root, shell));
            root.getOut().flush();
            return 0;
        } finally {
            release.forEach(Runnable::run);
        }
    }

    /** Adds every installed command the root does not have yet; of several of a name, the one the launcher runs. */
    private void addInstalledCommands(CommandLine root, List<Runnable> release) throws InvalidSyntaxException {
        List<ServiceReference<CliCommand>> references = new ArrayList<>(context.getServiceReferences(CliCommand.class, null));
        references.sort(Collections.reverseOrder());
        for (ServiceReference<CliCommand> reference : references) {
            Object name = reference.getProperty(CliCommand.NAME);
            if (name == null || root.getSubcommands().containsKey(name.toString())) {
                continue;
            }
            ServiceObjects<CliCommand> objects = context.getServiceObjects(reference);
            CliCommand command = objects == null ? null : objects.getService();
            if (command != null) {
                release.add(() -> objects.ungetService(command));
                root.addSubcommand(name.toString(), new CommandLine(command.command()));
            }
        }
    }

    /** @return the completion script of a command line for a shell */
    static String script(CommandLine commandLine, Shell shell) {
        return switch (shell) {
            case bash, zsh -> AutoComplete.bash("openpista", commandLine);
            case fish -> FishCompletion.script("openpista", commandLine);
        };
    }
}
