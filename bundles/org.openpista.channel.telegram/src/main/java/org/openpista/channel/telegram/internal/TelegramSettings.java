package org.openpista.channel.telegram.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * {@code [channels.telegram]} as one value, read the same way by the channel in the daemon and by
 * {@code openpista telegram setup|start|status} in the process of a command.
 *
 * @param enabled whether the file enables the bot ({@code openpista start} runs it then)
 * @param token the bot token (file or {@code TELEGRAM_BOT_TOKEN}, or {@code telegram start
 *     --token} for one run), stripped; empty when none is set
 * @param apiUrl {@code api_url} as written, stripped; empty for Telegram's own server
 * @param url the Bot API root to call, or {@code null} when {@code api_url} cannot be used
 * @param allowedUsers the numeric user ids that may talk to the bot, in the file's order
 * @param pollTimeout seconds one {@code getUpdates} waits, 1 to 50
 * @param webhookUrl the public URL Telegram posts to; empty for long polling
 * @param webhookSecret the secret Telegram sends with each delivery; empty when it is to be generated
 * @param problem why these settings cannot work (a bad {@code api_url} or webhook setting), or
 *     {@code null}
 */
record TelegramSettings(boolean enabled, String token, String apiUrl, TelegramUrl url, List<Long> allowedUsers,
        int pollTimeout, String webhookUrl, String webhookSecret, String problem) {

    /** Telegram's own Bot API server. */
    static final String DEFAULT_API = "https://api.telegram.org";

    static TelegramSettings from(TelegramChannel.Config config) {
        String apiUrl = strip(config.api_url());
        String hook = strip(config.webhook_url());
        String secret = strip(config._webhook_secret());
        TelegramUrl url = null;
        String problem;
        try {
            url = telegramUrl(apiUrl);
            problem = hook.isEmpty() ? null : webhookProblem(hook, secret);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        long[] users = config.allowed_users() == null ? new long[0] : config.allowed_users();
        return new TelegramSettings(config.enabled(), strip(config._token()), apiUrl, url,
                Arrays.stream(users).boxed().distinct().toList(), Math.max(1, Math.min(50, config.poll_timeout_secs())),
                hook, secret, problem);
    }

    /** @return whether Telegram posts updates to a webhook (served by the web chat's server) instead of being polled */
    boolean webhookMode() {
        return !webhookUrl.isEmpty();
    }

    /** @return the Bot API root as the user wrote it, or Telegram's own */
    String api() {
        return apiUrl.isEmpty() ? DEFAULT_API : apiUrl;
    }

    /** @return the allowed user ids, for lookups */
    Set<Long> allowed() {
        return allowedUsers.stream().collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param runs whether the daemon runs the bot ({@code DaemonControl.runsChannel})
     * @return why the bot stays off, as its status says it ({@code off (...)}), or {@code null} when
     *     it can start
     */
    String offReason(boolean runs) {
        if (!runs) {
            return "off ([channels.telegram] enabled = false)";
        }
        if (token.isEmpty()) {
            return "off (no token: set [channels.telegram] token, TELEGRAM_BOT_TOKEN or telegram start --token)";
        }
        return problem == null ? null : "off (" + problem + ")";
    }

    /** @return the Bot API root of {@code api_url}; Telegram's own server when empty */
    static TelegramUrl telegramUrl(String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            return TelegramUrl.DEFAULT_URL;
        }
        URI uri;
        try {
            uri = URI.create(apiUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api_url is not a URL: " + apiUrl);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("api_url must be http(s)://host[:port], not " + apiUrl);
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            // telegrambots builds <scheme>://<host>:<port>/bot<token>/<method> and has no room for a path
            throw new IllegalArgumentException("api_url must be the Bot API root without a path, not " + apiUrl);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    /** @return why the webhook settings cannot work, or {@code null} when they can */
    static String webhookProblem(String webhookUrl, String secret) {
        URI uri;
        try {
            uri = URI.create(webhookUrl);
        } catch (IllegalArgumentException e) {
            return "webhook_url is not a URL: " + webhookUrl;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            return "webhook_url must be an https:// URL, not " + webhookUrl;
        }
        if (!secret.isEmpty() && !secret.matches("[A-Za-z0-9_-]{1,256}")) {
            return "webhook_secret may only hold 1 to 256 characters out of A-Z, a-z, 0-9, _ and -";
        }
        return null;
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }
}
