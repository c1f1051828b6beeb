package org.openpista.config.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sections and keys of {@code config.toml} this bundle understands. Key names follow the
 * original openpista's file, so an existing file keeps working.
 */
final class Schema {

    /** One known key: how its value is read and whether it is a secret. */
    record Field(Rule rule, boolean secret) {}

    /** Tool approval modes. */
    static final List<String> APPROVAL_MODES = List.of("ask", "auto", "deny");

    /** Top-level tables read by other parts of openpista without checking here; none at present. */
    static final Set<String> PASSED_OVER = Set.of();

    private static final Field APPROVAL = plain(Rule.oneOf("approval mode", APPROVAL_MODES));
    private static final Field ENABLED = plain(Rule.flag());
    private static final Field TEXT = plain(Rule.text());
    private static final Field SECRET = new Field(Rule.text(), true);
    private static final Field URL = plain(Rule.url());
    private static final Field PORT = plain(Rule.integer(0, 65535, "a port number (0 = any free port)"));

    /** {@code [agent]} */
    static final Map<String, Field> AGENT = fields(
            "provider", plain(blankOr(Rule.oneOf("provider", Providers.KNOWN))),
            "model", TEXT,
            "base_url", URL,
            "api_key", SECRET,
            "max_tool_rounds", plain(Rule.integer(1, 10_000, "a number of rounds")),
            "approval", APPROVAL,
            "system_prompt", TEXT,
            "timeout_secs", plain(Rule.integer(1, 86_400, "a number of seconds")));

    /** {@code [database]}; {@code path} is a synonym of {@code url}. */
    static final Map<String, Field> DATABASE = fields("url", TEXT, "path", TEXT);

    /** {@code [skills]}; the sandboxes read their keys from the same section. */
    static final Map<String, Field> SKILLS = fields(
            "workspace", TEXT,
            "require_docker", ENABLED,
            "docker_host", TEXT,
            "docker_image", TEXT,
            "wasm_engine", plain(Rule.oneOf("wasm engine", List.of("auto", "wasmtime", "chicory"))),
            "scan_interval_secs", plain(Rule.integer(0, 3600, "a number of seconds (0 = no background scan)")));

    /** {@code [auth]}: settings of the logins ({@code org.openpista.auth}). */
    static final Map<String, Field> AUTH = fields(
            "login_timeout_secs", plain(Rule.integer(1, 86_400, "a number of seconds")),
            "http_timeout_secs", plain(Rule.integer(1, 3_600, "a number of seconds")),
            "refresh_check_secs", plain(Rule.integer(1, 86_400, "a number of seconds")));

    /** The logins whose endpoints {@code [auth.<provider>]} may override. */
    static final List<String> AUTH_PROVIDERS = List.of("openai", "anthropic", "openrouter", "github-copilot");

    /** {@code [auth.<provider>]}: login endpoints and client, defaults built into the auth bundle. */
    static final Map<String, Field> AUTH_PROVIDER = fields(
            "authorize_url", URL,
            "token_url", URL,
            "device_url", URL,
            "key_url", URL,
            "copilot_token_url", URL,
            "client_id", TEXT,
            "scope", TEXT,
            "redirect_uri", URL,
            "callback_port", PORT,
            "api_url", URL);

    /**
     * {@code [providers.<name>]}: per-provider settings used whenever that provider is selected
     * (also when switched to at runtime); {@code [agent]} keys win for the provider it selects.
     */
    static final Map<String, Field> PROVIDER = fields(
            "base_url", URL,
            "api_key", SECRET,
            "model", TEXT,
            "api_version", TEXT,
            "region", TEXT,
            "timeout_secs", plain(Rule.integer(1, 86_400, "a number of seconds")),
            "max_retries", plain(Rule.integer(0, 100, "a number of retries")));

    /** {@code [[cron]]}: one scheduled message per entry. */
    static final Map<String, Field> CRON = fields(
            "schedule", TEXT, "message", TEXT, "session", TEXT, "channel", TEXT, "target", TEXT);

    /** Keys every {@code [[cron]]} entry must have. */
    static final List<String> CRON_REQUIRED = List.of("schedule", "message");

    /** {@code [channels.<name>]} by channel name. */
    static final Map<String, Map<String, Field>> CHANNELS = channels();

    /** Channel keys holding a filesystem path, which get {@code ~} expanded. */
    static final Set<String> CHANNEL_PATHS = Set.of("static_dir", "session_dir", "bridge_path");

    private Schema() {}

    private static Map<String, Map<String, Field>> channels() {
        Map<String, Map<String, Field>> channels = new LinkedHashMap<>();
        channels.put("cli", fields("enabled", ENABLED, "approval", APPROVAL));
        channels.put("web", fields(
                "enabled", ENABLED,
                "bind", TEXT,
                "port", PORT,
                "token", SECRET,
                "cors_origins", plain(Rule.origins()),
                "static_dir", TEXT,
                "shared_session_id", TEXT,
                "approval", APPROVAL,
                "max_frame_bytes", plain(Rule.integer(1, Integer.MAX_VALUE, "a number of bytes"))));
        channels.put("telegram", fields(
                "enabled", ENABLED,
                "token", SECRET,
                "api_url", URL,
                "allowed_users", plain(Rule.longList()),
                "approval", APPROVAL,
                "webhook_url", URL,
                "webhook_secret", new Field(blankOr(webhookSecret()), true)));
        channels.put("whatsapp", fields(
                "enabled", ENABLED,
                "mode", plain(Rule.oneOf("mode", List.of("bridge", "cloud"))),
                "session_dir", TEXT,
                "bridge_path", TEXT,
                "allowed_numbers", plain(Rule.stringList()),
                "phone_number_id", plain(idText()),
                "access_token", SECRET,
                "verify_token", SECRET,
                "app_secret", SECRET,
                "api_url", URL,
                "approval", APPROVAL));
        channels.put("mobile", fields(
                "enabled", ENABLED,
                "port", PORT,
                "token", SECRET,
                "bind", TEXT,
                "approval", APPROVAL));
        return Collections.unmodifiableMap(channels);
    }

    /**
     * Telegram's {@code secret_token}: 1 to 256 characters out of {@code A-Z a-z 0-9 _ -}, which is
     * all Telegram accepts; the value itself never appears in the problem text.
     */
    private static Rule webhookSecret() {
        return (value, secret) -> {
            String text = (String) Rule.text().read(value, secret);
            if (!text.matches("[A-Za-z0-9_-]{1,256}")) {
                throw new Rule.BadValue("expected 1 to 256 characters out of A-Z, a-z, 0-9, _ and - (what Telegram "
                        + "accepts as a webhook secret); empty generates one");
            }
            return text;
        };
    }

    /** A string, or an integer written without quotes (WhatsApp ids are long numbers). */
    private static Rule idText() {
        return (value, secret) -> value.isIntegralNumber() ? value.bigIntegerValue().toString() : Rule.text().read(value, secret);
    }

    /** An empty string passes as {@code ""} (= not set), anything else goes to the rule. */
    private static Rule blankOr(Rule rule) {
        return (value, secret) -> value.isTextual() && value.textValue().isBlank() ? "" : rule.read(value, secret);
    }

    private static Field plain(Rule rule) {
        return new Field(rule, false);
    }

    /** @return an insertion-ordered map from alternating names and fields */
    private static Map<String, Field> fields(Object... namesAndFields) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndFields.length; i += 2) {
            fields.put((String) namesAndFields[i], (Field) namesAndFields[i + 1]);
        }
        return Collections.unmodifiableMap(fields);
    }
}
