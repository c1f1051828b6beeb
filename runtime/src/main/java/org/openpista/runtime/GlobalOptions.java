package org.openpista.runtime;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the plain forms of the global options before a bundle's command word ({@code --home DIR},
 * {@code --config=PATH}, {@code --log-level LEVEL}, {@code --debug}, {@code -s SESSION}) without
 * picocli, as {@link FastRun} does for {@code run -e}: with {@code StartCommand}'s own reading of
 * {@code start --foreground} and {@code --detached} the daemon's process loads no picocli class.
 * Anything unusual (repeated options, values that look like options, argument files, help) is left
 * to picocli, which stays the reference: {@code GlobalOptionsTest} checks that both read the same.
 */
final class GlobalOptions {

    private GlobalOptions() {}

    /** @return the options read into a new {@link Main}, or {@code null} when picocli must parse them */
    static Main read(List<String> args) {
        Main main = new Main();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--debug")) {
                if (main.debug) {
                    return null;
                }
                main.debug = true;
                continue;
            }
            int equals = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            String value = equals > 0 ? arg.substring(equals + 1) : i + 1 < args.size() ? args.get(++i) : null;
            if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")
                    || Main.BUILT_IN.contains(value)) {
                return null;
            }
            switch (name) {
                case "--home", "--config", "--log-level" -> {
                    if (!set(main, name, value)) {
                        return null;
                    }
                }
                case "-s", "--session" -> {
                    if (main.session != null) {
                        return null;
                    }
                    main.session = value;
                }
                default -> {
                    return null;
                }
            }
        }
        return main;
    }

    /**
     * Sets {@code --home}, {@code --config} or {@code --log-level} read without picocli (here and in
     * {@link FastRun}).
     *
     * @return {@code false} when picocli must read the arguments: the option was given before, or its
     *     value is no path
     */
    static boolean set(Main main, String name, String value) {
        try {
            switch (name) {
                case "--home" -> {
                    if (main.home != null) {
                        return false;
                    }
                    main.home = Path.of(value);
                }
                case "--config" -> {
                    if (main.config != null) {
                        return false;
                    }
                    main.config = Path.of(value);
                }
                case "--log-level" -> {
                    if (main.logLevel != null) {
                        return false;
                    }
                    main.logLevel = value;
                }
                default -> throw new IllegalArgumentException("not a global option with a value: " + name);
            }
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
