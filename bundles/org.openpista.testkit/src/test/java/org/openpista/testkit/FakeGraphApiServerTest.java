package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeGraphApiServerTest {

    final FakeGraphApiServer fake = new FakeGraphApiServer("1234567890", "EAAG-token");
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() {
        fake.close();
    }

    HttpResponse<String> post(String numberId, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.apiUrl() + "/" + numberId + "/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String text(String to, String body) {
        return "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"" + to
                + "\",\"type\":\"text\",\"text\":{\"preview_url\":false,\"body\":\"" + body + "\"}}";
    }

    @Test
    void acceptsATextMessageAndRecordsIt() throws Exception {
        HttpResponse<String> response = post("1234567890", "EAAG-token", text("4917000000001", "hello"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = json.readTree(response.body());
        assertThat(answer.path("messages").get(0).path("id").asText()).startsWith("wamid.");
        assertThat(answer.path("contacts").get(0).path("wa_id").asText()).isEqualTo("4917000000001");
        assertThat(fake.accepted()).singleElement().satisfies(call -> {
            assertThat(call.to()).isEqualTo("4917000000001");
            assertThat(call.text()).isEqualTo("hello");
            assertThat(call.phoneNumberId()).isEqualTo("1234567890");
        });
    }

    @Test
    void refusesBadTokensUnknownNumbersAndInvalidBodiesLikeTheGraphApi() throws Exception {
        HttpResponse<String> noToken = post("1234567890", null, text("4917000000001", "x"));
        HttpResponse<String> wrongNumber = post("999", "EAAG-token", text("4917000000001", "x"));
        HttpResponse<String> noBody = post("1234567890", "EAAG-token", text("4917000000001", ""));
        HttpResponse<String> tooLong = post("1234567890", "EAAG-token", text("4917000000001", "x".repeat(4097)));

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(json.readTree(noToken.body()).path("error").path("code").asInt()).isEqualTo(190);
        assertThat(wrongNumber.statusCode()).isEqualTo(400);
        assertThat(noBody.statusCode()).isEqualTo(400);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(fake.accepted()).isEmpty();
        assertThat(fake.calls()).hasSize(4);
    }

    @Test
    void scriptedFailuresComeFirst() throws Exception {
        fake.failNext(500, 1);

        assertThat(post("1234567890", "EAAG-token", text("4917000000001", "x")).statusCode()).isEqualTo(500);
        assertThat(post("1234567890", "EAAG-token", text("4917000000001", "x")).statusCode()).isEqualTo(200);
    }

    @Test
    void buildsSignedWebhookDeliveries() throws Exception {
        String body = FakeGraphApiServer.textDelivery("1234567890", "4917000000001", "wamid.IN1", "hi there");

        JsonNode value = json.readTree(body).path("entry").get(0).path("changes").get(0).path("value");
        assertThat(value.path("metadata").path("phone_number_id").asText()).isEqualTo("1234567890");
        assertThat(value.path("messages").get(0).path("text").path("body").asText()).isEqualTo("hi there");
        // the example of the HMAC-SHA256 test vectors (RFC 4231 style, computed independently)
        assertThat(FakeGraphApiServer.signature("The quick brown fox jumps over the lazy dog", "key"))
                .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }
}
