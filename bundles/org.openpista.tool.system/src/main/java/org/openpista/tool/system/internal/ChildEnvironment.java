package org.openpista.tool.system.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment a command gets: the daemon's own, minus the secrets the daemon holds for itself.
 * A command the model writes must not be able to read the owner's API keys with {@code env}.
 *
 * <p>The rule, applied to the variable name ignoring case:
 *
 * <ul>
 *   <li>names starting with {@code OPENPISTA_} are dropped (the daemon's own settings and
 *       secrets, including the seed's {@code openpista_*} spellings), except {@code
 *       OPENPISTA_HOME} and {@code OPENPISTA_WORKSPACE};
 *   <li>names containing {@code API_KEY}, {@code APIKEY}, {@code SECRET}, {@code PASSWORD},
 *       {@code PASSWD} or {@code PRIVATE_KEY} are dropped ({@code OPENAI_API_KEY}, {@code
 *       AWS_SECRET_ACCESS_KEY}, {@code DB_PASSWORD});
 *   <li>names with {@code TOKEN} as one of their {@code _}-separated words are dropped ({@code
 *       GITHUB_TOKEN}, {@code TELEGRAM_BOT_TOKEN}, {@code AWS_SESSION_TOKEN}), but not names that
 *       merely contain the letters ({@code TOKENIZERS_PARALLELISM});
 *   <li>everything else ({@code PATH}, {@code HOME}, {@code LANG}, ...) is passed on unchanged.
 * </ul>
 */
final class ChildEnvironment {

    private ChildEnvironment() {}

    /** @return the variables of {@code environment} a command may see */
    static Map<String, String> filter(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name != null && value != null && !isSecret(name)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /** @return whether a variable of this name is withheld from commands */
    static boolean isSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("OPENPISTA_")) {
            return !upper.equals("OPENPISTA_HOME") && !upper.equals("OPENPISTA_WORKSPACE");
        }
        if (upper.contains("API_KEY")
                || upper.contains("APIKEY")
                || upper.contains("SECRET")
                || upper.contains("PASSWORD")
                || upper.contains("PASSWD")
                || upper.contains("PRIVATE_KEY")) {
            return true;
        }
        for (String word : upper.split("_", -1)) {
            if (word.equals("TOKEN")) {
                return true;
            }
        }
        return false;
    }
}
