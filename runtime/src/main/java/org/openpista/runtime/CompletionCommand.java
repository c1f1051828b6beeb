package org.openpista.runtime;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista completion bash|zsh|fish}: a completion script for the commands installed right
 * now, the launcher's and every bundle's (a plugin's too), so it starts the framework as the
 * overview does. Bash and zsh share picocli's script (it loads zsh's bashcompinit itself); fish gets
 * {@link FishCompletion}'s.
 */
@Command(
        name = "completion",
        description = {
            "Prints a shell completion script for the installed commands.",
            "bash: source <(openpista completion bash)   (or save it in ~/.local/share/bash-completion/completions/openpista)",
            "zsh:  source <(openpista completion zsh)    (in ~/.zshrc)",
            "fish: openpista completion fish > ~/.config/fish/completions/openpista.fish"
        },
        mixinStandardHelpOptions = true)
final class CompletionCommand implements Callable<Integer> {

    /** The shells a script can be made for. */
    enum Shell {
        bash,
        zsh,
        fish
    }

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish")
    Shell shell;

    @Override
    public Integer call() throws Exception {
        return BundleCommands.inFramework(main, false, false, runtime -> {
            System.out.print(script(main.fullCommandLine(runtime), shell));
            System.out.flush();
            return 0;
        });
    }

    /** @return the completion script of a command line for a shell */
    static String script(CommandLine commandLine, Shell shell) {
        return switch (shell) {
            case bash, zsh -> AutoComplete.bash("openpista", commandLine);
            case fish -> FishCompletion.script("openpista", commandLine);
        };
    }
}
