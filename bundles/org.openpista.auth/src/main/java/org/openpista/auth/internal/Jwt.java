package org.openpista.auth.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads the claims of a JWT (its middle part, base64url JSON) without checking the signature: the
 * token came straight from the vendor's token endpoint over TLS, and openpista only reads who is
 * logged in and when it expires, it does not base any trust on the claims.
 */
final class Jwt {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jwt() {}

    /** @return the claims, or a missing node when the text is no JWT */
    static JsonNode claims(String token) {
        if (token == null) {
            return MissingNode.getInstance();
        }
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims == null || !claims.isObject() ? MissingNode.getInstance() : claims;
        } catch (IOException | IllegalArgumentException e) {
            return MissingNode.getInstance();
        }
    }

    /** @return the ChatGPT account id of an OpenAI token, or empty */
    static String chatGptAccountId(String token) {
        return claims(token).path("https://api.openai.com/auth").path("chatgpt_account_id").asText("");
    }

    /** @return the {@code email} claim, or empty */
    static String email(String token) {
        return claims(token).path("email").asText("");
    }

    /** @return the {@code exp} claim, or {@code null} */
    static Instant expiry(String token) {
        JsonNode exp = claims(token).path("exp");
        return exp.canConvertToLong() && exp.asLong() > 0 ? Instant.ofEpochSecond(exp.asLong()) : null;
    }
}
