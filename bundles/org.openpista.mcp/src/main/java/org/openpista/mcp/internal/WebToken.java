package org.openpista.mcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The web chat's token, which {@code openpista mcp serve --http} requires of its clients too. */
@ObjectClassDefinition(id = WebToken.PID, pid = WebToken.PID, name = "Web chat token (for mcp serve --http)",
        description = "The token of [channels.web], read by the MCP server.")
@interface WebToken {

    /** The configuration PID. */
    String PID = "org.openpista.mcp.web";

    @AttributeDefinition(name = "Token", description = "The web chat's token.", type = AttributeType.PASSWORD)
    String _token() default "";
}
