package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code [channels.whatsapp]} section as one immutable value.
 *
 * @param enabled whether the channel runs at all
 * @param mode bridge (personal account) or cloud (business account)
 * @param sessionDir where the bridge keeps the pairing
 * @param bridgePath the bridge program: a {@code .js} file or its folder (run with node), or any
 *     other executable (run directly)
 * @param bridgeShipped whether that is the bridge shipped with openpista (its dependencies are
 *     installed on first use) rather than one of the user's own (which the user prepares)
 * @param allowed who may talk to the agent
 * @param phoneNumberId the Cloud API's id of the business number
 * @param accessToken the Cloud API's access token
 * @param verifyToken the token the webhook's GET verification must present
 * @param appSecret the app secret that signs webhook deliveries
 * @param apiUrl the Graph API root, for example {@code https://graph.facebook.com/v21.0}
 */
record WhatsAppSettings(
        boolean enabled,
        Mode mode,
        Path sessionDir,
        Path bridgePath,
        boolean bridgeShipped,
        Allowlist allowed,
        String phoneNumberId,
        String accessToken,
        String verifyToken,
        String appSecret,
        URI apiUrl) {

    /** The Graph API used when {@code api_url} is empty. */
    static final String DEFAULT_API_URL = "https://graph.facebook.com/v21.0";
    /** Where the webhook is served, on the web channel's HTTP server. */
    static final String WEBHOOK_PATH = "/webhooks/whatsapp";
    /** The own account in the bridge's stored credentials (Baileys' creds.json). */
    private static final Pattern PAIRED = Pattern.compile("\"me\"\\s*:\\s*\\{[^}]*\"id\"\\s*:\\s*\"(\\d+)");

    /** How the channel reaches WhatsApp. */
    enum Mode {
        /** A personal account through the Node.js bridge (linked device). */
        BRIDGE,
        /** A business account through the official Cloud API. */
        CLOUD
    }

    WhatsAppSettings {
        phoneNumberId = phoneNumberId == null ? "" : phoneNumberId.strip();
        accessToken = accessToken == null ? "" : accessToken.strip();
        verifyToken = verifyToken == null ? "" : verifyToken.strip();
        appSecret = appSecret == null ? "" : appSecret.strip();
    }

    /**
     * @param home the openpista home, for the default session folder
     * @param dist the distribution folder, for the bundled bridge; may be {@code null}
     */
    static WhatsAppSettings from(WhatsAppChannel.Config config, Path home, Path dist) {
        String mode = config.mode() == null ? "" : config.mode().strip().toLowerCase(Locale.ROOT);
        String sessionDir = blankToEmpty(config.session_dir());
        String bridgePath = blankToEmpty(config.bridge_path());
        Path shipped = dist == null ? null : dist.resolve("bridge-whatsapp").resolve("index.js").toAbsolutePath().normalize();
        Path bridge = bridgePath.isEmpty() ? shipped : home.resolve(bridgePath).toAbsolutePath().normalize();
        String apiUrl = blankToEmpty(config.api_url());
        return new WhatsAppSettings(
                config.enabled(),
                mode.equals("cloud") ? Mode.CLOUD : Mode.BRIDGE,
                sessionDir.isEmpty() ? home.resolve("whatsapp-session") : home.resolve(sessionDir),
                bridge,
                bridge != null && shipped != null && (bridge.equals(shipped) || bridge.equals(shipped.getParent())),
                Allowlist.of(config.allowed_numbers() == null ? List.of() : List.of(config.allowed_numbers())),
                config.phone_number_id(),
                config._access_token(),
                config._verify_token(),
                config._app_secret(),
                URI.create(stripSlash(apiUrl.isEmpty() ? DEFAULT_API_URL : apiUrl)));
    }

    /** @return the linked number stored in the session folder, or {@code null} when this computer is not paired */
    String pairedNumber() {
        Path creds = sessionDir.resolve("creds.json");
        try {
            if (!Files.isRegularFile(creds)) {
                return null;
            }
            Matcher me = PAIRED.matcher(Files.readString(creds, StandardCharsets.UTF_8));
            return me.find() ? me.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** @return what cloud mode lacks to run, or an empty list */
    List<String> cloudProblems() {
        List<String> missing = new ArrayList<>();
        if (phoneNumberId.isEmpty()) {
            missing.add("phone_number_id");
        }
        if (accessToken.isEmpty()) {
            missing.add("access_token");
        }
        if (verifyToken.isEmpty()) {
            missing.add("verify_token");
        }
        if (appSecret.isEmpty()) {
            missing.add("app_secret");
        }
        return missing;
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.strip();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
