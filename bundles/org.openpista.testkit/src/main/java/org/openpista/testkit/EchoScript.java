package org.openpista.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Replies decided by the content of a request, for benchmarks and manual trials where no test
 * scripts the fake:
 *
 * <ul>
 *   <li>the last message is a tool result → text {@code "The tool said: <result>"};
 *   <li>the last user text starts with {@code run:} → a {@code system.run} call with the rest as
 *       command;
 *   <li>the last user text is {@code tool:NAME {json}} → a call of the tool NAME with those
 *       arguments (the swap benchmark calls a plugin's tool so);
 *   <li>otherwise → text {@code "echo: <last user text>"}.
 * </ul>
 */
public final class EchoScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EchoScript() {}

    /** @return the reply for a conversation */
    public static FakeReply reply(List<WireTurn> turns) {
        if (turns.isEmpty()) {
            return FakeReply.text("echo: (nothing)");
        }
        WireTurn last = turns.get(turns.size() - 1);
        if (last.role().equals("tool")) {
            return FakeReply.text("The tool said: " + last.text().strip());
        }
        String text = last.text().strip();
        if (text.startsWith("run:")) {
            ObjectNode arguments = JSON.createObjectNode().put("command", text.substring(4).strip());
            return FakeReply.toolCall("system.run", arguments.toString());
        }
        if (text.startsWith("tool:") && text.indexOf(' ') > 5) {
            int space = text.indexOf(' ');
            return FakeReply.toolCall(text.substring(5, space), text.substring(space + 1).strip());
        }
        return FakeReply.text("echo: " + text);
    }
}
