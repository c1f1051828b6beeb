package org.openpista.api.tool;

import java.util.List;
import org.openpista.api.chat.Attachment;

/**
 * The outcome of one tool call, fed back to the model.
 *
 * @param content the text the model reads (output, or what went wrong)
 * @param error whether the call failed; the model is told so
 * @param attachments binary output such as screenshots, shown to the user and never sent to the
 *     model as text
 */
public record ToolResult(String content, boolean error, List<Attachment> attachments) {

    public ToolResult {
        content = content == null ? "" : content;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** @return a successful result */
    public static ToolResult ok(String content) {
        return new ToolResult(content, false, List.of());
    }

    /** @return a failed result whose text says why */
    public static ToolResult error(String content) {
        return new ToolResult(content, true, List.of());
    }
}
