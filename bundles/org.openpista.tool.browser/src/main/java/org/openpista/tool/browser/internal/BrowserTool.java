package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.browser.internal.cdp.CdpException;

/**
 * What every {@code browser.*} tool shares: its spec, reading the arguments, and turning what goes
 * wrong into a short {@code kind: message} error result.
 */
abstract class BrowserTool implements Tool {

    /** What the locating arguments mean, for the schemas of tools that act on an element. */
    static final String REF = "The element's ref from the latest snapshot, for example \"e5\".";
    static final String SELECTOR = "Instead of a ref: a CSS selector (the first visible match is used).";
    static final String ELEMENT = "Instead of a ref: the element's visible text or accessible name.";

    private static final ObjectMapper JSON = new ObjectMapper();

    final BrowserService browser;
    private final ToolSpec spec;

    BrowserTool(BrowserService browser, String name, String description, ObjectNode schema) {
        this.browser = browser;
        this.spec = new ToolSpec(name, description, schema.toString());
    }

    @Override
    public final ToolSpec spec() {
        return spec;
    }

    @Override
    public final ToolResult execute(ToolCall call, ToolContext context) {
        try {
            return run(Arguments.parse(call.arguments()), context);
        } catch (BrowserException e) {
            return ToolResult.error(e.render());
        } catch (CdpException e) {
            // outside BrowserService.call (rare): the browser went away between two steps
            return ToolResult.error(BrowserException.Kind.BROWSER_ERROR.code() + ": " + e.getMessage());
        }
    }

    /** Runs the call; errors are thrown as {@link BrowserException}. */
    abstract ToolResult run(Arguments arguments, ToolContext context);

    /** @return the longest a call that may load a page takes */
    Duration loadTime() {
        return browser.settings().navigationTimeout().plusSeconds(30);
    }

    /** @return an object schema to add properties to */
    static ObjectNode schema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    /** Adds a property to a schema. */
    static ObjectNode property(ObjectNode schema, String name, String type, String description) {
        return ((ObjectNode) schema.get("properties")).putObject(name).put("type", type).put("description", description);
    }

    /** Adds {@code ref}, {@code selector} and {@code element}. */
    static ObjectNode locating(ObjectNode schema) {
        property(schema, "ref", "string", REF);
        property(schema, "selector", "string", SELECTOR);
        property(schema, "element", "string", ELEMENT);
        return schema;
    }

    /** Marks properties as required. */
    static ObjectNode required(ObjectNode schema, String... names) {
        ArrayNode required = schema.putArray("required");
        for (String name : names) {
            required.add(name);
        }
        return schema;
    }
}
