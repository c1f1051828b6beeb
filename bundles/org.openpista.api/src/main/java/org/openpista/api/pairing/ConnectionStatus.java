package org.openpista.api.pairing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where one connection stands, as the Connections dialog shows it.
 *
 * @param group what kind of connection it is, as a heading shown to the owner, for example {@code MCP servers}
 * @param name its name within the group, for example the server's name in config.toml
 * @param state its state
 * @param detail a short human-readable detail: what it runs, why it failed, when it retries; may be empty
 * @param since when it entered the state, or {@code null} when not known
 * @param offers what it offers while connected, for example the names of the tools the model gets; may be empty
 * @param logTail the last lines it wrote to its error output (for a failed one, what it said); may be empty
 */
public record ConnectionStatus(String group, String name, State state, String detail, Instant since,
        List<String> offers, List<String> logTail) {

    /** The states of a connection. */
    public enum State {
        /** Configured but not started in this process (it starts on first use). */
        IDLE,
        /** Connecting. */
        STARTING,
        /** Connected and usable. */
        CONNECTED,
        /** It cannot be used until it is retried or something is fixed; {@link ConnectionStatus#detail()} says why. */
        FAILED,
        /** Switched off in the configuration. */
        DISABLED,
        /** Stopped. */
        STOPPED
    }

    public ConnectionStatus {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
        offers = offers == null ? List.of() : List.copyOf(offers);
        logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }
}
