package org.openpista.onboard.internal;

import org.openpista.api.command.CliCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine;

/**
 * Runs the command-line verbs other bundles contribute ({@code openpista web setup}, {@code
 * openpista telegram setup}, {@code openpista auth login}) in this process, through their {@link
 * CliCommand} services: onboarding does what those commands do, in their own words, without
 * knowing how. A verb whose bundle is not installed is simply not offered.
 */
class OtherCommands {

    private final BundleContext context;

    OtherCommands(BundleContext context) {
        this.context = context;
    }

    /** @return whether a bundle contributes the command word */
    boolean has(String word) {
        return reference(word) != null;
    }

    /**
     * Runs {@code openpista WORD ARGS...} as the command line would.
     *
     * @return its exit status; 2 when no bundle contributes the word
     */
    int run(String word, String... args) {
        ServiceReference<CliCommand> reference = reference(word);
        ServiceObjects<CliCommand> objects = reference == null ? null : context.getServiceObjects(reference);
        CliCommand command = objects == null ? null : objects.getService();
        if (command == null) {
            System.err.println("openpista: 'openpista " + word + "' is not installed");
            return 2;
        }
        try {
            return new CommandLine(command.command()).execute(args);
        } finally {
            objects.ungetService(command);
        }
    }

    private ServiceReference<CliCommand> reference(String word) {
        try {
            return context.getServiceReferences(CliCommand.class, "(" + CliCommand.NAME + "=" + word + ")").stream()
                    .findFirst().orElse(null);
        } catch (InvalidSyntaxException e) {
            return null;
        }
    }
}
