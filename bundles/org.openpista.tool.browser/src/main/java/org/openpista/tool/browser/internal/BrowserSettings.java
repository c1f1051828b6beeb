package org.openpista.tool.browser.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The browser tools' settings, checked, with paths resolved against the openpista home.
 *
 * @param home the openpista home
 * @param cdpUrl the running browser to attach to, empty to start one
 * @param idleTimeout how long the browser stays without calls; zero: until the bundle stops
 * @param navigationTimeout how long a page may take to load
 * @param snapshotChars characters of one snapshot page
 * @param allowedHosts {@code allowed_hosts} as written
 * @param blockedHosts {@code blocked_hosts} as written
 * @param launch how Chromium is started
 * @param environment the daemon's environment (filtered before Chromium gets it)
 */
record BrowserSettings(Path home, String cdpUrl, Duration idleTimeout, Duration navigationTimeout, int snapshotChars,
        String[] allowedHosts, String[] blockedHosts, LaunchSettings launch, Map<String, String> environment) {

    static final int DEFAULT_WIDTH = 1280;
    static final int DEFAULT_HEIGHT = 720;
    static final int DEFAULT_IDLE_SECS = 300;
    static final int DEFAULT_NAVIGATION_SECS = 30;
    static final int DEFAULT_SNAPSHOT_CHARS = 8000;

    BrowserSettings {
        allowedHosts = allowedHosts.clone();
        blockedHosts = blockedHosts.clone();
        environment = Map.copyOf(environment);
    }

    /**
     * @param homeProperty the framework property {@code openpista.home}, {@code null} for {@code ~/.openpista}
     */
    static BrowserSettings of(BrowserService.Config config, String homeProperty, Map<String, String> environment) {
        Path home = homeProperty == null || homeProperty.isBlank()
                ? Path.of(System.getProperty("user.home"), ".openpista")
                : Path.of(expandHome(homeProperty.strip()));
        Path browserDir = home.resolve("browser");
        String profile = text(config.profile_dir());
        LaunchSettings launch = new LaunchSettings(text(config.executable()), config.headless(),
                profile.isEmpty() ? browserDir.resolve("profile") : home.resolve(expandHome(profile)).normalize(),
                browserDir, within(config.window_width(), 200, 7680, DEFAULT_WIDTH),
                within(config.window_height(), 200, 4320, DEFAULT_HEIGHT), list(config.extra_args()));
        return new BrowserSettings(home, text(config.cdp_url()),
                Duration.ofSeconds(Math.max(0, config.idle_timeout_secs())),
                Duration.ofSeconds(within(config.navigation_timeout_secs(), 1, 600, DEFAULT_NAVIGATION_SECS)),
                within(config.snapshot_chars(), 1000, 200_000, DEFAULT_SNAPSHOT_CHARS),
                strings(config.allowed_hosts()), strings(config.blocked_hosts()), launch, environment);
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private static String[] strings(String[] values) {
        return values == null ? new String[0] : Arrays.stream(values).filter(Objects::nonNull).map(String::strip)
                .filter(value -> !value.isEmpty()).toArray(String[]::new);
    }

    private static List<String> list(String[] values) {
        return List.of(strings(values));
    }

    private static int within(int value, int min, int max, int fallback) {
        return value < min || value > max ? fallback : value;
    }

    private static String expandHome(String path) {
        if (path.equals("~")) {
            return System.getProperty("user.home");
        }
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }
}
