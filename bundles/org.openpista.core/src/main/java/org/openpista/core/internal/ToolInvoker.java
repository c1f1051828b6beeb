package org.openpista.core.internal;

import java.util.List;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** Runs tool calls by name; the core's view of the tool registry. */
public interface ToolInvoker {

    /** @return the specs of the tools available now, sorted by name */
    List<ToolSpec> tools();

    /**
     * Runs one call. Never throws: an unknown tool, a failing tool or a tool that vanished in the
     * middle all become error results the model can read.
     */
    ToolResult invoke(ToolCall call, ToolContext context);

    /**
     * @return the tool's own approval mode (its {@link org.openpista.api.tool.Tool#APPROVAL} service
     *     property), empty when it has none or is unknown
     */
    default String approvalOf(String toolName) {
        return "";
    }

    /**
     * @param tool a tool name
     * @return what the owner should know when asked to approve a call of it ({@code
     *     tool.approval.note}), empty when nothing
     */
    default String approvalNote(String tool) {
        return "";
    }
}
