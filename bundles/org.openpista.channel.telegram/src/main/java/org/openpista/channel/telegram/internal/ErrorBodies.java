package org.openpista.channel.telegram.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Turns error answers that are not the Bot API's JSON (a proxy's HTML "502 Bad Gateway", an empty
 * 503) into the Bot API's error form with the HTTP status as {@code error_code}. telegrambots reads
 * every answer as JSON and would otherwise report an unreadable answer without its status, and
 * only the status tells a server error worth retrying from a request Telegram may have acted on.
 */
final class ErrorBodies implements Interceptor {

    private static final MediaType JSON = MediaType.parse("application/json");

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.isSuccessful() || isJson(response)) {
            return response;
        }
        String description = response.message().isBlank() ? "HTTP " + response.code() : response.message();
        String body = "{\"ok\":false,\"error_code\":" + response.code() + ",\"description\":\""
                + description.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        response.close();
        return response.newBuilder().body(ResponseBody.create(body, JSON)).build();
    }

    private static boolean isJson(Response response) {
        String type = response.header("content-type", "");
        return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json");
    }
}
