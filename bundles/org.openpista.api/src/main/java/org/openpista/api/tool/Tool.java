package org.openpista.api.tool;

import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool the model may call. Register it as a service with the property {@value #NAME}; the agent
 * core tracks tools dynamically, so a tool registered while the runtime runs is offered to the
 * model from the next turn on, and one unregistered is gone from then on.
 *
 * <p>Tool names are dotted, lower case, and unique: {@code system.run}, {@code browser.navigate}.
 *
 * <p>A tool whose spec does not depend on its configuration should also publish it as the service
 * properties {@value #DESCRIPTION} and {@value #PARAMETERS}: the agent then offers it to the model
 * from these properties alone and gets the service (which activates a Declarative Services
 * component) only when the model first calls it. A tool without them is got as soon as a turn lists
 * the tools, and asked for {@link #spec()} every turn.
 */
@ConsumerType
public interface Tool {

    /** Service property: the tool's name, equal to {@code spec().name()}. */
    String NAME = "tool.name";

    /**
     * Service property (optional): the tool's own approval mode, {@code ask}, {@code auto} or {@code
     * deny}, set by whoever configured the tool (an MCP server's {@code approval}, say). It is combined
     * with the channel's mode ({@code [agent] approval} and {@code [channels.<id>] approval}): a channel
     * that denies tool calls denies this tool too; otherwise {@code deny} refuses every call, {@code
     * ask} asks the owner about every call (also where the channel runs tools unasked), and {@code
     * auto} runs calls without asking. Absent: the channel's mode alone decides.
     */
    String APPROVAL = "tool.approval";

    /**
     * Service property: what the owner should know when asked to approve a call of this tool, such
     * as where it comes from and how it runs ("workspace skill, shadows the bundled word-count; runs
     * on the host without isolation"). Optional; shown with the approval question.
     */
    String APPROVAL_NOTE = "tool.approval.note";

    /**
     * Service property (optional): the description shown to the model, equal to {@code
     * spec().description()}. When it is set (as a single {@code String}), the agent builds the tool's
     * spec from {@value #NAME}, this and {@value #PARAMETERS} without getting the service, so a
     * Declarative Services component stays inactive until its first call. Keep it on one line: a
     * component description writes a value with line breaks as a list.
     *
     * @since 1.2
     */
    String DESCRIPTION = "tool.description";

    /**
     * Service property (optional, read with {@value #DESCRIPTION}): the JSON Schema of the arguments,
     * equal to {@code spec().parametersSchema()}, as one line of text. Absent: the tool takes no
     * arguments.
     *
     * @since 1.2
     */
    String PARAMETERS = "tool.parameters";

    /** @return the name, description and argument schema shown to the model */
    ToolSpec spec();

    /**
     * Runs one call. Failures the model should know about are returned as {@link
     * ToolResult#error(String)}; an exception thrown here is turned into such a result by the
     * runtime.
     *
     * @param call the call with its arguments as a JSON object
     * @param context the session, workspace, deadline and cancellation of the call
     * @return the result
     * @throws Exception for unexpected failures
     */
    ToolResult execute(ToolCall call, ToolContext context) throws Exception;
}
