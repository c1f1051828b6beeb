package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A command that needs a provider ({@link CliCommand#NEEDS_PROVIDER}) started on a terminal with
 * none usable: rather than ending with the problem, the launcher asks whether to run the bundle
 * command marked {@link CliCommand#ONBOARDING} now. Scripts (no terminal) get the problem as before.
 */
final class OnboardingOffer {

    /** The offer was not made: a provider is usable, no terminal, or no onboarding command installed. */
    static final int NOT_MADE = Integer.MIN_VALUE;

    /** The person said no. */
    static final int DECLINED = Integer.MIN_VALUE + 1;

    private OnboardingOffer() {}

    /** @return whether a person can answer: standard input and the console are terminals */
    static boolean personAtTerminal() {
        return System.console() != null && Terminals.stdinIsTerminal();
    }

    /**
     * Makes the offer in a started framework and runs the onboarding command when taken.
     *
     * @return the onboarding command's exit status, {@link #NOT_MADE} or {@link #DECLINED}
     */
    static int offer(OsgiRuntime runtime, InputStream in, PrintStream err) throws InvalidSyntaxException {
        String problem;
        try {
            problem = runtime.configuration(BundleCommands.START_TIMEOUT).providerProblem();
        } catch (ConfigException e) {
            return NOT_MADE; // the command itself reports a configuration it cannot use
        }
        if (problem.isEmpty() || !personAtTerminal()) {
            return NOT_MADE;
        }
        BundleContext context = runtime.context();
        ServiceReference<CliCommand> onboarding = BundleCommands.find(context, "(" + CliCommand.ONBOARDING + "=true)");
        if (onboarding == null) {
            return NOT_MADE;
        }
        String name = String.valueOf(onboarding.getProperty(CliCommand.NAME));
        err.println("openpista: " + problem);
        err.print("Set up a provider now with openpista " + name + "? [Y/n] ");
        err.flush();
        if (!yes(readLine(in))) {
            return DECLINED;
        }
        return BundleCommands.execute(context, onboarding, new String[] {name});
    }

    static boolean yes(String answer) {
        if (answer == null) {
            return false; // end of input: nobody answered
        }
        String given = answer.strip().toLowerCase(Locale.ROOT);
        return given.isEmpty() || given.equals("y") || given.equals("yes");
    }

    /**
     * Reads one line byte by byte: a buffering reader would take keys typed ahead that belong to the
     * onboarding's own questions.
     */
    static String readLine(InputStream in) {
        try {
            byte[] line = new byte[256];
            int length = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n' || b == '\r') {
                    return new String(line, 0, length, StandardCharsets.UTF_8);
                }
                if (length < line.length) {
                    line[length++] = (byte) b;
                }
            }
            return length == 0 ? null : new String(line, 0, length, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
