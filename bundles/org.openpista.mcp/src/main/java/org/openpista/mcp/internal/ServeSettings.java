package org.openpista.mcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code [channels.mcp]}: how {@code openpista mcp serve} serves MCP clients. As every channel
 * table it also takes {@code approval}, the approval mode for calls from MCP clients.
 */
@ObjectClassDefinition(id = ServeSettings.PID, pid = ServeSettings.PID, name = "MCP server (openpista mcp serve)",
        description = "openpista's tools and skills for MCP clients.")
@interface ServeSettings {

    /** The configuration PID. */
    String PID = "org.openpista.mcp.serve";

    @AttributeDefinition(name = "Bind", description = "The address mcp serve --http listens on.")
    String bind() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "The port mcp serve --http listens on (path /mcp).", min = "0",
            max = "65535")
    int port() default 3211;

    @AttributeDefinition(name = "Tool timeout (s)", description = "The longest one served tool call may take.", min = "1",
            max = "86400")
    int tool_timeout_secs() default 600;
}
