package org.openpista.tool.system.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment a command gets: an allow-list of the daemon's variables, never the rest. A deny
 * list of secret-looking names let {@code DATABASE_URL} (with its password), {@code SLACK_WEBHOOK}
 * and {@code AWS_ACCESS_KEY_ID} through; a command the model writes must not read the owner's
 * secrets with {@code env}.
 *
 * <p>Passed on: {@link #ALLOWED} ({@code PATH}, {@code HOME}, {@code LANG}, {@code TERM}, {@code
 * TZ}, {@code USER}, the desktop session's {@code DISPLAY} and {@code XDG_RUNTIME_DIR}, ...),
 * every {@code LC_*}, and the names the owner lists in {@code pass_env}.
 */
final class ChildEnvironment {

    /** The daemon's variables every command gets when they are set. */
    static final Set<String> ALLOWED = Set.of("PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TZ", "USER", "LOGNAME", "SHELL",
            "TMPDIR", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "OPENPISTA_HOME", "OPENPISTA_WORKSPACE");

    private ChildEnvironment() {}

    /**
     * @param environment the daemon's environment
     * @param passed further names the owner allowed ({@code pass_env})
     * @return the variables of {@code environment} a command may see
     */
    static Map<String, String> filter(Map<String, String> environment, Collection<String> passed) {
        Map<String, String> kept = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name != null && value != null && (allowed(name) || passed.contains(name))) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /** @return whether a variable of this name is on the allow-list */
    static boolean allowed(String name) {
        return ALLOWED.contains(name) || name.startsWith("LC_");
    }
}
