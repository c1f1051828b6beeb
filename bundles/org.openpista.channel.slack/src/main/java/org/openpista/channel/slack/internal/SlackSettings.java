package org.openpista.channel.slack.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code [channels.slack]} as one value, read the same way by the channel in the daemon and by
 * {@code openpista slack setup|start|status} in the process of a command.
 *
 * @param enabled whether the file enables the app ({@code openpista start} runs it then)
 * @param mode {@value #SOCKET} (Socket Mode: a WebSocket the app opens, no public URL) or {@value
 *     #HTTP} (the Events API: Slack posts to {@value SlackWebhook#PATH} of the web chat's server)
 * @param appToken the app-level token ({@code xapp-…}) Socket Mode connects with; empty when unset
 * @param botToken the bot token ({@code xoxb-…}) every Web API call is made with; empty when unset
 * @param signingSecret the secret Slack signs HTTP requests with; empty when unset
 * @param allowedUsers the Slack user ids ({@code U…}, {@code W…}) that may talk to the app
 * @param allowedChannels the channels where mentions are answered; empty: every channel the app is in
 * @param apiUrl the Web API root, without a trailing slash ({@value #DEFAULT_API} unless {@code api_url} says)
 * @param problem why these settings cannot work, or {@code null}
 */
record SlackSettings(boolean enabled, String mode, String appToken, String botToken, String signingSecret,
        List<String> allowedUsers, List<String> allowedChannels, String apiUrl, String problem) {

    /** Slack's own Web API. */
    static final String DEFAULT_API = "https://slack.com/api";
    /** Socket Mode. */
    static final String SOCKET = "socket";
    /** The Events API over HTTP. */
    static final String HTTP = "http";

    static SlackSettings from(SlackChannel.Config config) {
        String mode = strip(config.mode()).toLowerCase(Locale.ROOT);
        String api = strip(config.api_url());
        String problem = null;
        try {
            api = api.isEmpty() ? DEFAULT_API : apiRoot(api);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (problem == null && !mode.equals(SOCKET) && !mode.equals(HTTP)) {
            problem = "mode must be \"socket\" or \"http\", not \"" + config.mode() + "\"";
        }
        return new SlackSettings(config.enabled(), mode, strip(config._app_token()), strip(config._bot_token()),
                strip(config._signing_secret()), ids(config.allowed_users()), ids(config.allowed_channels()), api, problem);
    }

    /** @return whether Slack posts events to the web chat's server instead of a Socket Mode connection */
    boolean httpMode() {
        return mode.equals(HTTP);
    }

    /**
     * @param runs whether the daemon runs the app ({@code DaemonControl.runsChannel})
     * @return why the app stays off, as its status says it ({@code off (...)}), or {@code null} when it can start
     */
    String offReason(boolean runs) {
        if (!runs) {
            return "off ([channels.slack] enabled = false)";
        }
        if (problem != null) {
            return "off (" + problem + ")";
        }
        if (botToken.isEmpty()) {
            return "off (no bot token: set [channels.slack] bot_token, SLACK_BOT_TOKEN or slack start --bot-token)";
        }
        if (!httpMode() && appToken.isEmpty()) {
            return "off (Socket Mode needs an app-level token: set [channels.slack] app_token or SLACK_APP_TOKEN, or "
                    + "mode = \"http\" with a signing_secret)";
        }
        if (httpMode() && signingSecret.isEmpty()) {
            return "off (the Events API needs the app's signing secret: set [channels.slack] signing_secret or "
                    + "SLACK_SIGNING_SECRET)";
        }
        return null;
    }

    /** @return whether a user may talk to the app */
    boolean allowsUser(String userId) {
        return allowedUsers.contains(userId);
    }

    /** @return whether mentions in a channel are answered ({@code allowed_channels}; direct messages always are) */
    boolean allowsChannel(String channelId) {
        return allowedChannels.isEmpty() || allowedChannels.contains(channelId);
    }

    /**
     * @return the Web API root of {@code api_url}: an http(s) URL, without a trailing slash
     * @throws IllegalArgumentException when it is none
     */
    static String apiRoot(String apiUrl) {
        URI uri;
        try {
            uri = URI.create(apiUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api_url is not a URL: " + apiUrl);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("api_url must be an http(s) URL such as " + DEFAULT_API + ", not " + apiUrl);
        }
        String root = apiUrl.strip();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        return root;
    }

    /** @return how status shows a token: its kind, never the secret part */
    static String masked(String token) {
        int dash = token.indexOf('-');
        return (dash > 0 ? token.substring(0, dash + 1) + "… " : "") + "secret part hidden";
    }

    private static List<String> ids(String[] values) {
        return values == null ? List.of()
                : Arrays.stream(values).filter(Objects::nonNull).map(String::strip).filter(id -> !id.isEmpty()).distinct()
                        .toList();
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }
}
