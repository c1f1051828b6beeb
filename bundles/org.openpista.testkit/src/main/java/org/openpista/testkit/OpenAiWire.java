package org.openpista.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What OpenAI's APIs (Chat Completions and Responses) share on the wire: the error body, the model
 * list, the names of called tools, random ids and the pieces a streamed text comes in.
 */
final class OpenAiWire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiWire() {}

    /** Answers with OpenAI's error body: {@code {"error": {message, type, param: null, code}}}. */
    static void sendError(HttpExchange exchange, int status, String type, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        FakeLlmServer.respond(exchange, status, "application/json", body.toString());
    }

    /** Answers {@code GET /v1/models}: a list object with the ids in this order. */
    static void sendModelList(HttpExchange exchange, List<String> ids) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000L).put("owned_by", "openpista-fake");
        }
        FakeLlmServer.respond(exchange, 200, "application/json", body.toString());
    }

    /** Answers 404 for a path the API does not have. */
    static void sendUnknownUrl(HttpExchange exchange, String method, String path) throws IOException {
        sendError(exchange, 404, "invalid_request_error", "unknown_url", "Invalid URL (" + method + " " + path + ")");
    }

    /**
     * The wire name of a scripted call: the name the request offered for the tool, or the name as
     * scripted when the request does not offer it (models do call tools that do not exist).
     */
    static String answerName(FakeLlmServer server, RecordedRequest request, String toolName) {
        try {
            return server.wireToolName(request, toolName);
        } catch (IllegalStateException notOffered) {
            return toolName;
        }
    }

    /** @return {@code length} characters drawn from {@code alphabet}, as the random part of an id */
    static String randomId(Random random, String alphabet, int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    /** Cuts text into pieces of at most {@code size} code points, never inside a surrogate pair. */
    static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            for (int n = 0; n < size && end < text.length(); n++) {
                end += Character.charCount(text.codePointAt(end));
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
