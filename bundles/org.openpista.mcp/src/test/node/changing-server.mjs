// An MCP server over stdio whose tools change while it runs, for the tests of org.openpista.mcp:
// add-tool/remove-tool register and remove tools (the SDK sends notifications/tools/list_changed),
// crash exits the process with status 3 after a line on stderr, confirm asks the user through
// elicitation, env-names lists the names of its environment variables.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "changing-server", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } });
const added = new Map();

server.registerTool("add-tool", {
    description: "Adds a tool of the given name that answers with its name",
    inputSchema: { name: z.string() },
}, async ({ name }) => {
    added.set(name, server.registerTool(name, { description: "added at runtime" },
        async () => ({ content: [{ type: "text", text: "I am " + name }] })));
    return { content: [{ type: "text", text: "added " + name }] };
});

server.registerTool("remove-tool", {
    description: "Removes a tool added before",
    inputSchema: { name: z.string() },
}, async ({ name }) => {
    added.get(name)?.remove();
    added.delete(name);
    return { content: [{ type: "text", text: "removed " + name }] };
});

server.registerTool("crash", { description: "Exits the server process at once" }, async () => {
    console.error("changing-server: crashing on request");
    process.exit(3);
});

server.registerTool("env-names", { description: "Lists the names of the server's environment variables" },
    async () => ({ content: [{ type: "text", text: Object.keys(process.env).sort().join(",") }] }));

server.registerTool("confirm", {
    description: "Asks the user to confirm through elicitation and says what they answered",
    inputSchema: { question: z.string() },
}, async ({ question }, extra) => {
    const answer = await extra.sendRequest({
        method: "elicitation/create",
        params: { message: question, requestedSchema: { type: "object", properties: {} } },
    }, z.object({ action: z.string() }).passthrough());
    return { content: [{ type: "text", text: "the user answered " + answer.action }] };
});

console.error("changing-server: ready, pid " + process.pid);
await server.connect(new StdioServerTransport());
