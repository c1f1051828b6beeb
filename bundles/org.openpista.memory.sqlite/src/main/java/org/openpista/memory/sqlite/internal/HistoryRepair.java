package org.openpista.memory.sqlite.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;

/**
 * Makes a stored history acceptable to providers, which reject a tool call without its result and
 * a result without its call. The rule is positional, because local models often reuse call ids
 * ({@code call_0}) from turn to turn: the results of an assistant message's calls are the tool
 * messages directly after it. So
 *
 * <ul>
 *   <li>a call with no result in that run (the turn crashed or was killed) gets a synthetic error
 *       result, placed at the end of the run, that is right after the assistant message and its
 *       real results;
 *   <li>a tool message that answers no call of the assistant message right before it (its call is
 *       unknown, belongs to an earlier turn, or was already answered) is dropped.
 * </ul>
 *
 * The stored rows are not changed; the repair is done on every load.
 */
final class HistoryRepair {

    /** The text of a synthetic result. */
    static final String INTERRUPTED = "error: this tool call was interrupted before it produced a result";

    private HistoryRepair() {}

    /** What a repair did, for logging. */
    record Result(List<ChatMessage> messages, int synthesized, int dropped) {}

    static Result repair(List<ChatMessage> stored) {
        List<ChatMessage> out = new ArrayList<>(stored.size());
        int synthesized = 0;
        int dropped = 0;
        ChatMessage caller = null;
        // calls of the open assistant message still waiting for a result, in call order
        Map<String, ToolCall> pending = new LinkedHashMap<>();
        for (ChatMessage message : stored) {
            if (message.role() == Role.TOOL) {
                if (pending.remove(message.toolCallId()) != null) {
                    out.add(message);
                } else {
                    dropped++;
                }
                continue;
            }
            synthesized += close(caller, pending, out);
            out.add(message);
            caller = message.hasToolCalls() ? message : null;
            if (caller != null) {
                for (ToolCall call : caller.toolCalls()) {
                    pending.putIfAbsent(call.id(), call);
                }
            }
        }
        synthesized += close(caller, pending, out);
        return new Result(List.copyOf(out), synthesized, dropped);
    }

    private static int close(ChatMessage caller, Map<String, ToolCall> pending, List<ChatMessage> out) {
        int count = pending.size();
        for (ToolCall call : pending.values()) {
            out.add(ChatMessage.toolResult(call, INTERRUPTED, true).withCreatedAt(caller.createdAt()));
        }
        pending.clear();
        return count;
    }
}
