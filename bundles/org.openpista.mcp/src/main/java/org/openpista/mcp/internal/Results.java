package org.openpista.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.tool.ToolResult;

/**
 * Turns what an MCP server answers into what the model reads: text as it is, structured content
 * as JSON, images and audio as attachments (shown to the user, named to the model), embedded
 * resources as their text and links as their URI. Long output is cut.
 */
final class Results {

    static final int MAX_CHARS = 50_000;

    private Results() {}

    static ToolResult of(McpSchema.CallToolResult result, ObjectMapper json) {
        StringBuilder text = new StringBuilder();
        List<Attachment> attachments = new ArrayList<>();
        for (McpSchema.Content content : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            append(text, content, attachments);
        }
        if (result.structuredContent() != null && text.length() == 0) {
            try {
                text.append(json.writeValueAsString(result.structuredContent()));
            } catch (JsonProcessingException e) {
                text.append(result.structuredContent());
            }
        }
        String content = cut(text.toString());
        return new ToolResult(content, Boolean.TRUE.equals(result.isError()), attachments);
    }

    static String contents(List<McpSchema.ResourceContents> contents) {
        StringBuilder text = new StringBuilder();
        for (McpSchema.ResourceContents content : contents) {
            separate(text);
            if (content instanceof McpSchema.TextResourceContents textual) {
                text.append(textual.text());
            } else if (content instanceof McpSchema.BlobResourceContents blob) {
                text.append("[binary ").append(blob.mimeType()).append(", ").append(blob.blob().length() * 3 / 4)
                        .append(" bytes: ").append(blob.uri()).append(']');
            }
        }
        return cut(text.toString());
    }

    private static void append(StringBuilder text, McpSchema.Content content, List<Attachment> attachments) {
        separate(text);
        if (content instanceof McpSchema.TextContent textual) {
            text.append(textual.text());
        } else if (content instanceof McpSchema.ImageContent image) {
            attachments.add(new Attachment(image.mimeType(), "mcp-image-" + (attachments.size() + 1), decode(image.data())));
            text.append("[image ").append(image.mimeType()).append(", shown to the user]");
        } else if (content instanceof McpSchema.AudioContent audio) {
            attachments.add(new Attachment(audio.mimeType(), "mcp-audio-" + (attachments.size() + 1), decode(audio.data())));
            text.append("[audio ").append(audio.mimeType()).append(", given to the user]");
        } else if (content instanceof McpSchema.EmbeddedResource embedded) {
            text.append(contents(List.of(embedded.resource())));
        } else if (content instanceof McpSchema.ResourceLink link) {
            text.append("[resource ").append(link.uri()).append(link.name() == null ? "" : " (" + link.name() + ")")
                    .append(']');
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static void separate(StringBuilder text) {
        if (text.length() > 0) {
            text.append('\n');
        }
    }

    static String cut(String text) {
        return text.length() <= MAX_CHARS ? text
                : text.substring(0, MAX_CHARS) + "\n[... " + (text.length() - MAX_CHARS) + " more characters cut]";
    }
}
