package org.openpista.channel.telegram.internal;

import java.net.http.HttpHeaders;
import java.util.Locale;

/**
 * Turns error answers that are not the Bot API's JSON (a proxy's HTML "502 Bad Gateway", an empty
 * 503) into the Bot API's error form with the HTTP status as {@code error_code}. The methods read
 * every answer as JSON and would otherwise report an unreadable answer without its status, and only
 * the status tells a server error worth retrying from a request Telegram may have acted on.
 */
final class ErrorBodies {

    private ErrorBodies() {}

    /** @return the answer's body, or for an error that is not JSON the Bot API's error with the status */
    static String asBotApi(int status, HttpHeaders headers, String body) {
        if (status / 100 == 2 || isJson(headers)) {
            return body;
        }
        return "{\"ok\":false,\"error_code\":" + status + ",\"description\":\"HTTP " + status + "\"}";
    }

    private static boolean isJson(HttpHeaders headers) {
        return headers.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT).contains("json");
    }
}
