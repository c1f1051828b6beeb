package org.openpista.auth.internal;

import java.util.List;
import java.util.function.Function;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.terminal.Picker;

/**
 * Asks which provider to log in to, with the shared {@link Picker}: on a terminal the list to move
 * through, narrowed by typing any part of the name or the vendor's name (matches in the list's
 * order); otherwise the numbered list, answered with a number or a name (an empty answer chooses
 * nothing).
 */
final class ProviderPicker {

    static final String QUESTION = "Log in to which provider?";

    private ProviderPicker() {}

    /**
     * @param providers the providers in the order to show
     * @param how how a provider logs in, for example {@code device code}
     * @return the picker for them
     */
    static Picker<ProviderAuthStatus> of(List<ProviderAuthStatus> providers, Function<ProviderAuthStatus, String> how) {
        return new Picker<>(QUESTION, providers, ProviderAuthStatus::name, status -> label(status, how), null)
                .withSearchText(status -> status.name() + "\n" + status.displayName()).withMatchesInListOrder().withoutDefault()
                .withItemsCalled("provider");
    }

    /** @return one line describing a provider: name, vendor, how it logs in and whether it is ready */
    static String label(ProviderAuthStatus status, Function<ProviderAuthStatus, String> how) {
        return String.format("%-18s %-40s %s", status.name(), status.displayName() + " [" + how.apply(status) + "]",
                status.authenticated() ? "✓ " + (status.source().isEmpty() ? "ready" : status.source()) : "").stripTrailing();
    }
}
