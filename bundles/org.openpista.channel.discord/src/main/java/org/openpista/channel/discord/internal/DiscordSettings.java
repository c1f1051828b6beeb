package org.openpista.channel.discord.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code [channels.discord]} as one value, read the same way by the channel in the daemon and by
 * {@code openpista discord setup|start|status} in the process of a command.
 *
 * @param enabled whether the file enables the bot ({@code openpista start} runs it then)
 * @param token the bot token; empty when unset
 * @param allowedUsers the user ids (snowflakes) that may talk to the bot
 * @param allowedGuilds the servers where mentions and commands are answered; empty: every server the bot is in
 * @param apiUrl the REST root with its version, without a trailing slash
 * @param gatewayUrl the gateway's WebSocket URL
 * @param problem why these settings cannot work, or {@code null}
 */
record DiscordSettings(boolean enabled, String token, List<String> allowedUsers, List<String> allowedGuilds, String apiUrl,
        String gatewayUrl, String problem) {

    /** Discord's REST API. */
    static final String DEFAULT_API = "https://discord.com/api/v10";
    /** Discord's gateway. */
    static final String DEFAULT_GATEWAY = "wss://gateway.discord.gg";

    static DiscordSettings from(DiscordChannel.Config config) {
        String api = strip(config.api_url());
        String gateway = strip(config.gateway_url());
        String problem = null;
        try {
            api = api.isEmpty() ? DEFAULT_API : root(api, "api_url", "http", "https");
            gateway = gateway.isEmpty() ? DEFAULT_GATEWAY : root(gateway, "gateway_url", "ws", "wss");
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        return new DiscordSettings(config.enabled(), strip(config._token()), ids(config.allowed_users()),
                ids(config.allowed_guilds()), api, gateway, problem);
    }

    /**
     * @param runs whether the daemon runs the bot ({@code DaemonControl.runsChannel})
     * @return why the bot stays off, as its status says it ({@code off (...)}), or {@code null} when it can start
     */
    String offReason(boolean runs) {
        if (!runs) {
            return "off ([channels.discord] enabled = false)";
        }
        if (problem != null) {
            return "off (" + problem + ")";
        }
        if (token.isEmpty()) {
            return "off (no token: set [channels.discord] token, DISCORD_BOT_TOKEN or discord start --token)";
        }
        return null;
    }

    /** @return whether a user may talk to the bot */
    boolean allowsUser(String userId) {
        return allowedUsers.contains(userId);
    }

    /** @return whether the bot answers in a server ({@code allowed_guilds}; direct messages always) */
    boolean allowsGuild(String guildId) {
        return allowedGuilds.isEmpty() || allowedGuilds.contains(guildId);
    }

    /**
     * @return the URL without a trailing slash
     * @throws IllegalArgumentException when it is no URL of one of the schemes
     */
    static String root(String url, String key, String... schemes) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(schemes).contains(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be a " + String.join("/", schemes) + " URL, not " + url);
        }
        String root = url.strip();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        return root;
    }

    /** @return how status shows a token: the bot's id (its first part), never the secret */
    static String masked(String token) {
        int dot = token.indexOf('.');
        String id = "";
        if (dot > 0) {
            try {
                id = new String(java.util.Base64.getDecoder().decode(token.substring(0, dot)), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                id = "";
            }
        }
        return (id.matches("[0-9]{5,25}") ? "bot id " + id + ", " : "") + "secret part hidden";
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
