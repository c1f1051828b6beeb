package org.openpista.runtime;

/**
 * Parses the plain forms of {@code openpista [GLOBAL OPTIONS] run -e PROMPT [-s SESSION]} without
 * picocli. Picocli's classes are compiled for Java 5, which class-data sharing cannot archive, and
 * loading them takes a good part of a one-shot run's start-up. Anything unusual (help, errors,
 * attached short options, values that look like options) is left to picocli, which stays the
 * reference: {@code FastRunTest} checks that both read the same arguments the same way.
 */
final class FastRun {

    private FastRun() {}

    /** @return the run command ready to call, or {@code null} when picocli must parse the arguments */
    static RunCommand parse(String[] args) {
        Main main = new Main();
        RunCommand run = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            if (arg.equals("run") && run == null) {
                run = new RunCommand();
                run.main = main;
                continue;
            }
            if (arg.equals("--debug")) {
                main.debug = true;
                continue;
            }
            if (arg.equals("--local") || arg.equals("--no-daemon")) {
                if (run == null) {
                    return null;
                }
                run.local = true;
                continue;
            }
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            if (equals > 0 && arg.startsWith("--")) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return null;
            }
            switch (name) {
                case "--home", "--config", "--log-level" -> {
                    if (!GlobalOptions.set(main, name, value)) {
                        return null;
                    }
                }
                case "-e", "--exec" -> {
                    if (run == null || run.prompt != null) {
                        return null;
                    }
                    run.prompt = value;
                }
                case "-s", "--session" -> {
                    if (run == null || run.session != null) {
                        return null;
                    }
                    run.session = value;
                }
                default -> {
                    return null;
                }
            }
        }
        return run != null && run.prompt != null ? run : null;
    }
}
