/** The MCP client and server of openpista; nothing here is exported. */
package org.openpista.mcp.internal;
