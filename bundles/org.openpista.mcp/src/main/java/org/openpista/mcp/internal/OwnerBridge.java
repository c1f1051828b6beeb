package org.openpista.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema;
import org.openpista.api.tool.ToolContext;
import reactor.core.publisher.Mono;

/**
 * What a server asks of openpista's side: elicitation (a question to the user) and sampling (a
 * completion of openpista's model). Both go to the owner of the turn whose tool call is running;
 * nothing a server sends decides anything by itself.
 */
interface OwnerBridge {

    /**
     * @param call the context of the call running now on that server, or {@code null} when none runs
     */
    Mono<McpSchema.ElicitResult> elicit(ServerConfig server, McpSchema.ElicitFormRequest request, ToolContext call);

    /**
     * @param call the context of the call running now on that server, or {@code null} when none runs
     */
    Mono<McpSchema.CreateMessageResult> sample(ServerConfig server, McpSchema.CreateMessageRequest request, ToolContext call);
}
