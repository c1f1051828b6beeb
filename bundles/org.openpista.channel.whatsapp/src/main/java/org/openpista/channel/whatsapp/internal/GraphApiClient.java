package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends text messages through the WhatsApp Cloud API: {@code POST {api_url}/{phone_number_id}/messages}
 * with the access token as bearer token.
 */
final class GraphApiClient implements Conversations.Sender {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI messages;
    private final String accessToken;
    private final ObjectMapper json = new ObjectMapper();

    GraphApiClient(URI apiUrl, String phoneNumberId, String accessToken) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.messages = URI.create(apiUrl + "/" + phoneNumberId + "/messages");
        this.accessToken = accessToken;
    }

    URI endpoint() {
        return messages;
    }

    @Override
    public CompletionStage<Void> send(String to, String text) {
        ObjectNode body = json.createObjectNode()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual")
                .put("to", Allowlist.digits(to))
                .put("type", "text");
        body.putObject("text").put("preview_url", false).put("body", text);
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() / 100 == 2) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.failedFuture(new IOException(
                    "the Graph API refused the message (HTTP " + response.statusCode() + ": " + error(response.body()) + ")"));
        });
    }

    /** @return the error message of a Graph API error body, or the start of the body */
    private String error(String body) {
        try {
            JsonNode node = json.readTree(body);
            String message = node.path("error").path("message").asText("");
            if (!message.isEmpty()) {
                return message;
            }
        } catch (IOException e) {
            // not JSON: show the text itself
        }
        String text = body == null ? "" : body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
