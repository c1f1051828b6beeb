package org.openpista.provider.openai.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;

/**
 * Tool names as the Chat Completions API accepts them ({@code ^[a-zA-Z0-9_-]{1,64}$}) and back:
 * {@code system.run} goes out as {@code system_run}, and a call of {@code system_run} comes back as
 * {@code system.run}. Two tools that would share a wire name are refused rather than merged, since
 * the model's call could then not be routed to the right one.
 */
final class ToolNames {

    /** The longest name the API accepts. */
    static final int MAX_LENGTH = 64;

    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9_-]");

    private final Map<String, String> toWire;
    private final Map<String, String> fromWire;

    private ToolNames(Map<String, String> toWire, Map<String, String> fromWire) {
        this.toWire = Map.copyOf(toWire);
        this.fromWire = Map.copyOf(fromWire);
    }

    /**
     * @param tools the tools a request offers
     * @param vendor the vendor's name, for the message
     * @return the mapping for these tools
     * @throws ProviderException of kind {@code BAD_REQUEST} when a name is empty or two names collide
     */
    static ToolNames of(List<ToolSpec> tools, String vendor) throws ProviderException {
        Map<String, String> toWire = new HashMap<>();
        Map<String, String> fromWire = new HashMap<>();
        for (ToolSpec tool : tools) {
            String name = tool.name();
            if (name.isBlank()) {
                throw badRequest("A tool without a name cannot be offered to " + vendor);
            }
            String wire = sanitise(name);
            String earlier = fromWire.putIfAbsent(wire, name);
            if (earlier != null) {
                throw badRequest(earlier.equals(name)
                        ? "The tool '" + name + "' is offered twice"
                        : "The tools '" + earlier + "' and '" + name + "' would both be called '" + wire + "' on the "
                                + vendor + " wire, which allows only letters, digits, '_' and '-' (at most 64): rename one of them");
            }
            toWire.put(name, wire);
        }
        return new ToolNames(toWire, fromWire);
    }

    /** @return the name with every character the API refuses replaced by {@code _}, cut to 64 characters */
    static String sanitise(String name) {
        String wire = NOT_ALLOWED.matcher(name).replaceAll("_");
        return wire.length() > MAX_LENGTH ? wire.substring(0, MAX_LENGTH) : wire;
    }

    /** @return the wire name for a tool's own name (also for tools no longer offered, as in old history) */
    String wire(String name) {
        if (name == null) {
            return "";
        }
        String wire = toWire.get(name);
        return wire != null ? wire : sanitise(name);
    }

    /** @return the tool's own name for a name the model used; unknown names pass through unchanged */
    String original(String wireName) {
        if (wireName == null) {
            return "";
        }
        return fromWire.getOrDefault(wireName, wireName);
    }

    private static ProviderException badRequest(String message) {
        return new ProviderException(ProviderException.Kind.BAD_REQUEST, message);
    }
}
