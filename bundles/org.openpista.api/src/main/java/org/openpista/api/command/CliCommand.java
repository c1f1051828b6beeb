package org.openpista.api.command;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A top-level word of the {@code openpista} command line, contributed by a bundle: {@code openpista
 * web setup --enable} runs the command registered with {@value #NAME}{@code =web}.
 *
 * <p>The {@linkplain #command() command object} is a picocli command: its class carries picocli's
 * {@code @Command} (name, description, subcommands) and its options, and implements {@code
 * Callable<Integer>} or {@code Runnable}; its subcommands reach it with {@code @ParentCommand}. The
 * launcher exports picocli's packages, parses the arguments, prints {@code --help} and usage errors
 * in the same form as its own commands, and exits with the returned status (0 done, 1 failed,
 * 2 bad usage or configuration). Register the component with {@code scope =
 * ServiceScope.PROTOTYPE}: every invocation gets a fresh object for picocli to fill in. A command
 * whose process stays (a daemon) may read its plain forms itself: {@link PlainArguments}.
 *
 * <p>A command runs in the process of the command line, in a framework with the configuration
 * loaded and every bundle started but no daemon: channels do not run (they need the {@link
 * org.openpista.api.admin.DaemonControl} service). It reaches a running daemon of the same home
 * through {@link org.openpista.api.admin.DaemonClient}, and becomes the daemon itself through
 * {@link org.openpista.api.admin.DaemonLauncher} ({@code openpista telegram start}). Standard
 * input and output are the user's terminal.
 */
@ConsumerType
public interface CliCommand {

    /** Service property: the top-level word, such as {@code web}. */
    String NAME = "openpista.command.name";

    /**
     * Service property: {@code true} makes this the command that {@code openpista} runs without a
     * command word ({@code openpista}, {@code openpista -s SESSION} run {@code openpista tui},
     * {@code openpista tui -s SESSION}). Without such a command the launcher prints its overview.
     */
    String BARE = "openpista.command.bare";

    /**
     * Service property: {@code true} marks the command that sets up a first provider ({@code
     * openpista onboard}). The launcher offers to run it when a command marked {@link
     * #NEEDS_PROVIDER} finds no usable provider and a person is at the terminal.
     */
    String ONBOARDING = "openpista.command.onboarding";

    /**
     * Service property: {@code true} says the command is of no use without a provider ({@code
     * start}, the terminal UI): started on a terminal with none set up, the launcher first offers the
     * {@link #ONBOARDING} command, and runs this one afresh once that has succeeded.
     */
    String NEEDS_PROVIDER = "openpista.command.needs.provider";

    /** @return the picocli command object; by default this object itself */
    default Object command() {
        return this;
    }
}
