package org.openpista.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/** What OpenAI's APIs (Chat Completions and Responses) share on the wire: the error body and the model list. */
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
}
