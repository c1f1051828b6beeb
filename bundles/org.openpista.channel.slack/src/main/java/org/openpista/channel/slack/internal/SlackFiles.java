package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.Problems;

/**
 * Files users share with a message ({@code files} of the event), downloaded from their {@code
 * url_private} with the bot token, as Slack requires, and handed to the agent as attachments; the
 * agent checks their content like every channel's. The token goes only to Slack's own hosts (or to
 * the host of {@code api_url}); a size above the limit is refused before the download, and a login
 * page where the file should be (an app without the {@code files:read} scope) is refused too.
 */
final class SlackFiles {

    /** The largest file taken, as on Telegram. */
    static final long MAX_BYTES = 20L * 1024 * 1024;
    /** How long a download may take, body included (20 MB at some 200 KB/s). */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(120);

    private final URI apiRoot;
    private final String botToken;
    private final HttpClient http;

    /** @param http the channel's HTTP client (it follows no redirects: the token stays with the host it was meant for) */
    SlackFiles(String apiRoot, String botToken, HttpClient http) {
        this.apiRoot = URI.create(apiRoot);
        this.botToken = botToken;
        this.http = http;
    }

    /** @return whether an event shares files */
    static boolean shares(JsonNode event) {
        return event.path("files").isArray() && !event.path("files").isEmpty();
    }

    /**
     * @return the files of an event, downloaded
     * @throws SlackException when one is too large or cannot be fetched; the message says which, for the user
     */
    List<Attachment> download(JsonNode files) throws SlackException, InterruptedException {
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode file : files) {
            String name = file.path("name").asText("");
            String label = name.isBlank() ? "a file" : "\"" + name + "\"";
            if (file.path("size").asLong(0) > MAX_BYTES) {
                throw new SlackException("file download", label + " is too large (" + file.path("size").asLong() / (1024 * 1024)
                        + " MB; the limit is " + MAX_BYTES / (1024 * 1024) + " MB)", true);
            }
            String url = file.path("url_private_download").asText(file.path("url_private").asText(""));
            byte[] bytes = fetch(url, label);
            String type = file.path("mimetype").asText("application/octet-stream");
            attachments.add(new Attachment(type.isBlank() ? "application/octet-stream" : type, name, bytes));
        }
        return attachments;
    }

    private byte[] fetch(String url, String label) throws SlackException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SlackException("file download", label + " has no usable address", true);
        }
        if (!trusted(uri)) {
            // the bot token goes to Slack only
            throw new SlackException("file download", label + " is not on a Slack host (" + uri.getHost() + ")", true);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET();
        SlackApi.bearer(builder, "file download", botToken);
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response;
        try {
            // a file larger than announced is cut off at the limit
            response = BoundedBody.send(http, request, BoundedBody.upTo(MAX_BYTES));
        } catch (BoundedBody.TooLarge e) {
            throw new SlackException("file download", label + " is too large (the limit is " + MAX_BYTES / (1024 * 1024) + " MB)",
                    true);
        } catch (IOException e) {
            throw new SlackException("file download", label + " could not be downloaded: " + Problems.describe(e), false);
        }
        if (response.statusCode() != 200) {
            throw new SlackException("file download", label + " could not be downloaded (HTTP " + response.statusCode() + ")",
                    true);
        }
        if (response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT).startsWith("text/html")) {
            throw new SlackException("file download", label + " could not be downloaded: Slack answered with a web"
                    + " page (does the app have the files:read scope?)", true);
        }
        return response.body();
    }

    /** @return whether the bot token may go to this address: https on Slack's hosts, or the host of api_url */
    boolean trusted(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals(String.valueOf(apiRoot.getHost()).toLowerCase(Locale.ROOT)) && uri.getPort() == apiRoot.getPort()
                && String.valueOf(uri.getScheme()).equalsIgnoreCase(String.valueOf(apiRoot.getScheme()))) {
            return true;
        }
        return "https".equalsIgnoreCase(uri.getScheme()) && (host.equals("slack.com") || host.endsWith(".slack.com"));
    }
}
