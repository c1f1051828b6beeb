package org.openpista.provider.responses.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;

/**
 * Tool names of one request and their wire aliases. The Responses API accepts function names
 * matching {@code ^[a-zA-Z0-9_-]{1,64}$}, while openpista names tools like {@code system.run}:
 * every other character becomes {@code _} and the name is cut at 64. Names offered now and names
 * called earlier in the conversation are mapped alike; two names that would share an alias (for
 * example {@code a.b} and {@code a_b}) are refused with a clear error instead of being confused.
 */
final class ToolNames {

    static final int MAX_LENGTH = 64;

    private final Map<String, String> toWire = new HashMap<>();
    private final Map<String, String> fromWire = new HashMap<>();

    private ToolNames() {}

    /**
     * @throws ProviderException BAD_REQUEST when two names share an alias
     */
    static ToolNames of(ChatRequest request) throws ProviderException {
        Set<String> names = new LinkedHashSet<>();
        for (ToolSpec tool : request.tools()) {
            names.add(tool.name());
        }
        for (ChatMessage message : request.messages()) {
            for (ToolCall call : message.toolCalls()) {
                names.add(call.name());
            }
        }
        ToolNames result = new ToolNames();
        for (String name : names) {
            String wire = sanitise(name);
            String earlier = result.fromWire.putIfAbsent(wire, name);
            if (earlier != null && !earlier.equals(name)) {
                throw new ProviderException(ProviderException.Kind.BAD_REQUEST, "tool name collision: '" + earlier + "' and '"
                        + name + "' would both be called '" + wire + "' on the Responses API wire; rename one of them");
            }
            result.toWire.put(name, wire);
        }
        return result;
    }

    String wire(String name) {
        String wire = toWire.get(name);
        return wire != null ? wire : sanitise(name);
    }

    String original(String wireName) {
        return fromWire.getOrDefault(wireName, wireName);
    }

    static String sanitise(String name) {
        StringBuilder wire = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
        for (int i = 0; i < name.length() && wire.length() < MAX_LENGTH; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            wire.append(allowed ? c : '_');
        }
        return wire.length() == 0 ? "_" : wire.toString();
    }
}
