package org.openpista.auth.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.ProviderAuthStatus;

/**
 * Where the credential that works for each login's providers comes from, in the order the
 * providers use them: a key in the environment ({@code OPENPISTA_API_KEY}, then the provider's own
 * variables), a key in {@code config.toml} for the provider in use, then the login stored in
 * {@code credentials.toml}. What a provider's key variables and login are is what the installed
 * bundles declare ({@link DeclaredProviders}).
 */
final class WorkingCredentials {

    /** Where a credential comes from. */
    enum Kind { ENVIRONMENT, CONFIG_FILE, STORED, NONE }

    /**
     * @param kind where
     * @param variable the environment variable for {@link Kind#ENVIRONMENT}, else empty
     */
    record Source(Kind kind, String variable) {}

    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Function<String, String> env;
    private final List<DeclaredProviders.Provider> declared;
    private final String selected;
    private final boolean selectedKeyConfigured;

    /**
     * @param env looks up an environment variable, {@code null} when unset
     * @param declared the providers the installed bundles declare
     * @param selected the provider in use ({@code [agent] provider}), empty when none
     * @param selectedKeyConfigured whether the configuration gives the provider in use a key (from
     *     the file or the environment)
     */
    WorkingCredentials(Function<String, String> env, List<DeclaredProviders.Provider> declared, String selected,
            boolean selectedKeyConfigured) {
        this.env = env;
        this.declared = List.copyOf(declared);
        this.selected = selected;
        this.selectedKeyConfigured = selectedKeyConfigured;
    }

    /** @return the login the provider in use falls back to */
    String selectedLogin() {
        return declared.stream().filter(provider -> provider.name().equals(selected)).map(DeclaredProviders.Provider::login)
                .findFirst().orElse(Catalog.canonical(selected));
    }

    /** @return where the credential of a login's providers comes from */
    Source of(ProviderAuthStatus status) {
        for (String variable : DeclaredProviders.keyVariables(declared, status.name())) {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                return new Source(Kind.ENVIRONMENT, variable);
            }
        }
        if (selectedKeyConfigured && status.name().equals(selectedLogin())) {
            return new Source(Kind.CONFIG_FILE, "");
        }
        return status.method() != null && stored(status) ? new Source(Kind.STORED, "") : new Source(Kind.NONE, "");
    }

    /** @return the table of {@code auth status}: provider, method, account, expiry, source; secrets never appear */
    String table(List<ProviderAuthStatus> statuses, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PROVIDER", "METHOD", "ACCOUNT", "EXPIRES", "SOURCE"});
        for (ProviderAuthStatus status : statuses) {
            Source source = of(status);
            rows.add(switch (source.kind()) {
                case ENVIRONMENT -> new String[] {status.name(), "api_key", "-", "never", source.variable() + " (environment)"};
                case CONFIG_FILE -> new String[] {status.name(), "api_key", "-", "never", "config.toml"};
                case STORED -> new String[] {status.name(), status.method().wireName(),
                    status.account().isEmpty() ? "-" : status.account(), expiry(status, now), "credentials.toml"};
                case NONE -> new String[] {status.name(), status.authMode() == AuthMode.NONE ? "none needed" : "not logged in",
                    "-", "-", "-"};
            });
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    /** @return one line per stored login that is not used because a key from elsewhere wins */
    List<String> notes(List<ProviderAuthStatus> statuses) {
        List<String> notes = new ArrayList<>();
        for (ProviderAuthStatus status : statuses) {
            if (!stored(status)) {
                continue;
            }
            Source source = of(status);
            if (source.kind() == Kind.ENVIRONMENT) {
                notes.add("the stored " + status.name() + " login is not used while " + source.variable()
                        + " is set; unset it to use the login");
            } else if (source.kind() == Kind.CONFIG_FILE) {
                notes.add("the stored " + status.name() + " login is not used while config.toml gives provider " + selected
                        + " a key (api_key); remove it to use the login");
            }
        }
        return notes;
    }

    private static boolean stored(ProviderAuthStatus status) {
        return status.method() != null && status.source().equals("credentials.toml");
    }

    private static String expiry(ProviderAuthStatus status, Instant now) {
        Instant expires = status.expiresAt();
        if (expires == null) {
            return "never";
        }
        if (!expires.isAfter(now)) {
            return "expired (refreshed on next use)";
        }
        Duration left = Duration.between(now, expires);
        String in = left.toHours() >= 48 ? left.toDays() + " d" : left.toHours() >= 1 ? left.toHours() + " h"
                : left.toMinutes() + " min";
        return EXPIRY.format(expires) + " (in " + in + ")";
    }
}
