package org.openpista.mcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The keys of one {@code [mcp.servers.<name>]} table, each reaching {@link McpClientsComponent} as
 * the property {@code <name>.<key>} (the secrets {@code env} and {@code headers} as {@code
 * .<name>.env} and {@code .<name>.headers}); {@link ServerConfig} reads them.
 */
@ObjectClassDefinition(id = ServerTable.FACTORY_PID, factoryPid = ServerTable.FACTORY_PID, name = "MCP server",
        description = "One MCP server: a command started over stdio, or a URL (streamable HTTP or HTTP+SSE).")
@interface ServerTable {

    /** The factory PID the configuration bundle reads a sub-table's keys from ({@code <pid>.table}). */
    String FACTORY_PID = McpClientsComponent.PID + ".table";

    @AttributeDefinition(name = "Enabled", description = "Connect to this server.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Command", description = "The program of a stdio server, found on PATH (npx, node, uvx, ...).")
    String command() default "";

    @AttributeDefinition(name = "Arguments", description = "Its arguments.")
    String[] args() default {};

    @AttributeDefinition(name = "Environment", description = "Variables of the server process: with PATH and HOME the only"
            + " ones it gets, never the daemon's secrets.", type = AttributeType.PASSWORD)
    String[] _env() default {};

    @AttributeDefinition(name = "Working folder", description = "Where a stdio server runs; empty: the workspace.")
    String cwd() default "";

    @AttributeDefinition(name = "URL", description = "The endpoint of an HTTP server, such as https://example.com/mcp.")
    String url() default "";

    @AttributeDefinition(name = "Headers", description = "HTTP headers sent with every request, such as Authorization.",
            type = AttributeType.PASSWORD)
    String[] _headers() default {};

    @AttributeDefinition(name = "Transport", description = "For a URL: streamable HTTP, the older HTTP+SSE, or auto (streamable"
            + " HTTP, then HTTP+SSE when the server does not speak it).",
            options = {@Option(label = "auto", value = "auto"), @Option(label = "streamable", value = "streamable"),
                @Option(label = "sse", value = "sse")})
    String transport() default "auto";

    @AttributeDefinition(name = "Approval", description = "ask: every call of its tools is asked (also where tools run"
            + " unasked); auto: its tools run without asking; deny: its tools are not offered.",
            options = {@Option(label = "ask", value = "ask"), @Option(label = "auto", value = "auto"),
                @Option(label = "deny", value = "deny")})
    String approval() default "ask";

    @AttributeDefinition(name = "Tool timeout (s)", description = "The longest one tool call may take.", min = "1", max = "86400")
    int tool_timeout_secs() default 60;

    @AttributeDefinition(name = "Start timeout (s)", description = "How long starting and the handshake may take.", min = "1",
            max = "3600")
    int startup_timeout_secs() default 30;

    @AttributeDefinition(name = "Included tools", description = "Only these of its tools (names, * matches any text); empty: all.")
    String[] include_tools() default {};

    @AttributeDefinition(name = "Excluded tools", description = "None of these of its tools (names, * matches any text).")
    String[] exclude_tools() default {};

    @AttributeDefinition(name = "Sampling", description = "Let the server ask openpista's model for completions"
            + " (sampling/createMessage), each asked of the owner; off: refused with the reason.")
    boolean sampling() default false;
}
