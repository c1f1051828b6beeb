package org.openpista.provider.support;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Tool names of one request and their wire aliases. The vendors' APIs accept only names matching
 * {@code ^[a-zA-Z0-9_-]{1,64}$}, while openpista names tools like {@code system.run}: every other
 * character becomes {@code _}, the name is cut at 64 characters, and an empty name becomes {@code
 * _}. A call of {@code system_run} in an answer maps back to {@code system.run}. Two names that
 * would share an alias are refused, in the provider's words, rather than confused, since a call
 * could then not be routed to the right tool. Immutable once built.
 */
public final class ToolNames {

    /** The longest tool name the vendors accept. */
    public static final int MAX_LENGTH = 64;

    /** Says why two names cannot be used together, in the provider's words. */
    @ConsumerType
    @FunctionalInterface
    public interface Collision {
        /**
         * @param earlier the name added first
         * @param name the name added later; equal to {@code earlier} when a name is added twice
         * @param wire the alias both would have
         * @return the failure to report, usually of kind {@code BAD_REQUEST}
         */
        ProviderException refuse(String earlier, String name, String wire);
    }

    /** Collects the names of a request one by one, refusing the first collision. */
    public static final class Builder {

        private final Collision collision;
        private final Map<String, String> toWire = new HashMap<>();
        private final Map<String, String> fromWire = new HashMap<>();

        private Builder(Collision collision) {
            this.collision = collision;
        }

        /**
         * @param name a tool's own name
         * @return this builder
         * @throws ProviderException what the collision policy says when the name's alias is taken
         */
        public Builder add(String name) throws ProviderException {
            String wire = sanitise(name);
            String earlier = fromWire.putIfAbsent(wire, name);
            if (earlier != null) {
                throw collision.refuse(earlier, name, wire);
            }
            toWire.put(name, wire);
            return this;
        }

        /** @return the mapping of the names added so far */
        public ToolNames build() {
            return new ToolNames(toWire, fromWire);
        }
    }

    private final Map<String, String> toWire;
    private final Map<String, String> fromWire;

    private ToolNames(Map<String, String> toWire, Map<String, String> fromWire) {
        this.toWire = Map.copyOf(toWire);
        this.fromWire = Map.copyOf(fromWire);
    }

    /**
     * @param collision what to report when two names would share an alias
     * @return an empty builder
     */
    public static Builder builder(Collision collision) {
        return new Builder(collision);
    }

    /**
     * Maps every tool a request offers and every tool its history calls, so that history and
     * answers stay consistent; a name that appears several times counts once.
     *
     * @param request the request
     * @param collision what to report when two names would share an alias
     * @return the mapping
     * @throws ProviderException what {@code collision} says for the first two names that collide
     */
    public static ToolNames of(ChatRequest request, Collision collision) throws ProviderException {
        Set<String> names = new LinkedHashSet<>();
        for (ToolSpec tool : request.tools()) {
            names.add(tool.name());
        }
        for (ChatMessage message : request.messages()) {
            for (ToolCall call : message.toolCalls()) {
                names.add(call.name());
            }
        }
        Builder builder = builder(collision);
        for (String name : names) {
            builder.add(name);
        }
        return builder.build();
    }

    /**
     * @param name a tool's own name, or {@code null}
     * @return the name sent on the wire; for names the mapping does not know (a tool no longer
     *     offered) the sanitised name; empty for {@code null}
     */
    public String wire(String name) {
        if (name == null) {
            return "";
        }
        String wire = toWire.get(name);
        return wire != null ? wire : sanitise(name);
    }

    /**
     * @param wireName a name the model used, or {@code null}
     * @return the tool's own name; unknown names unchanged; empty for {@code null}
     */
    public String original(String wireName) {
        if (wireName == null) {
            return "";
        }
        return fromWire.getOrDefault(wireName, wireName);
    }

    /**
     * @param name a tool's own name
     * @return the name with every character outside {@code [A-Za-z0-9_-]} replaced by {@code _}, at
     *     most {@value #MAX_LENGTH} long; {@code _} for an empty name
     */
    public static String sanitise(String name) {
        StringBuilder wire = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
        for (int i = 0; i < name.length() && wire.length() < MAX_LENGTH; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            wire.append(allowed ? c : '_');
        }
        return wire.length() == 0 ? "_" : wire.toString();
    }
}
