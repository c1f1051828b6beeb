package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Catalogs for tests, written like the bundles openpista ships declare them (their
 * {@code @SettingsSection} and {@code @ProviderPreset} annotations and metatype). The OSGi
 * integration tests and the distribution's tests check the real declarations.
 */
final class TestCatalog {

    private TestCatalog() {}

    /** The shipped bundles' declarations. */
    static Catalog standard() {
        List<Declaration> declarations = new ArrayList<>();
        declarations.add(table("agent", "org.openpista.agent", Map.of("model", "OPENPISTA_MODEL"),
                text("provider", "Provider", "openai"), text("model", "Model", ""),
                text("base_url", "Base URL", "").withFormat(SettingsSection.URL), secret("api_key"),
                integer("max_tool_rounds", 1, 10000, 30), options("approval", "Approval", "ask", "ask", "auto", "deny"),
                text("system_prompt", "System prompt", ""), integer("timeout_secs", 1, 86400, 600),
                integer("shutdown_grace_secs", 0, 3600, 10), integer("provider_wait_secs", 0, 3600, 10)));
        declarations.add(table("skills", "org.openpista.agent", Map.of("workspace", "OPENPISTA_WORKSPACE"), workspace()));
        declarations.add(table("database", "org.openpista.memory.sqlite", Map.of(), text("url", "Database", ""),
                text("path", "Database (synonym)", "")));
        declarations.add(table("skills", "org.openpista.skills", Map.of("workspace", "OPENPISTA_WORKSPACE"), workspace(),
                flag("require_docker", false), text("docker_host", "Docker host", ""), text("docker_image", "Docker image", ""),
                options("wasm_engine", "Wasm engine", "auto", "auto", "wasmtime", "chicory"),
                integer("scan_interval_secs", 0, 3600, 30)));
        declarations.add(table("skills", "org.openpista.tool.system", Map.of("workspace", "OPENPISTA_WORKSPACE"), workspace()));
        declarations.add(table("channels.cli", "org.openpista.channel.cli", Map.of(), flag("enabled", true)));
        declarations.add(table("channels.web", "org.openpista.channel.web",
                Map.of("token", "OPENPISTA_WEB_TOKEN", "port", "OPENPISTA_WEB_PORT"), flag("enabled", true),
                text("bind", "Bind", "127.0.0.1"), integer("port", 0, 65535, 3210), secret("token"),
                list("cors_origins", AttributeDefinition.STRING).withFormat(SettingsSection.CSV),
                text("static_dir", "Static folder", "").withFormat(SettingsSection.PATH),
                text("shared_session_id", "Shared session", ""), integer("max_frame_bytes", 1, Integer.MAX_VALUE, 1048576)));
        declarations.add(table("channels.telegram", "org.openpista.channel.telegram", Map.of("token", "TELEGRAM_BOT_TOKEN"),
                flag("enabled", false), secret("token"), text("api_url", "API", "").withFormat(SettingsSection.URL),
                list("allowed_users", AttributeDefinition.LONG), text("webhook_url", "Webhook", "").withFormat(SettingsSection.URL),
                bounded(secret("webhook_secret"), "1", "256").withFormat(SettingsSection.WORD)));
        declarations.add(table("channels.whatsapp", "org.openpista.channel.whatsapp",
                Map.of("session_dir", "WHATSAPP_SESSION_DIR", "bridge_path", "WHATSAPP_BRIDGE_PATH"), flag("enabled", false),
                options("mode", "Mode", "bridge", "bridge", "cloud"),
                text("session_dir", "Session", "").withFormat(SettingsSection.PATH),
                text("bridge_path", "Bridge", "").withFormat(SettingsSection.PATH),
                list("allowed_numbers", AttributeDefinition.STRING).withFormat(SettingsSection.DIGITS),
                text("phone_number_id", "Phone number id", "").withFormat(SettingsSection.DIGITS), secret("access_token"),
                secret("verify_token"), secret("app_secret"), text("api_url", "API", "").withFormat(SettingsSection.URL)));
        Map<String, KeySpec> endpoints = keys(url("authorize_url"), url("token_url"), url("device_url"), url("key_url"),
                url("copilot_token_url"), text("client_id", "Client", ""), text("scope", "Scope", ""), url("redirect_uri"),
                integer("callback_port", 0, 65535, 0), url("api_url"));
        declarations.add(new Declaration("auth", "org.openpista.auth", "org.openpista.auth", keys(
                integer("login_timeout_secs", 1, 86400, 600), integer("http_timeout_secs", 1, 3600, 30),
                integer("refresh_check_secs", 1, 86400, 60)), Map.of(), "",
                List.of("openai", "anthropic", "openrouter", "github-copilot"), endpoints));
        declarations.add(new Declaration("cron", "org.openpista.cron", "org.openpista.cron", keys(
                required(text("schedule", "Schedule", "")), required(text("message", "Message", "")),
                text("session", "Session", ""), text("channel", "Channel", ""), text("target", "Target", "")),
                Map.of(), "jobs", List.of(), Map.of()));
        return new Catalog(declarations, presets());
    }

    /** The shipped provider names. */
    static List<Preset> presets() {
        Map<String, KeySpec> openai = keys(text("provider_name", "Name", "").withId("provider.name"),
                text("preset", "Preset", ""), text("base_url", "Base URL", "").withFormat(SettingsSection.URL),
                secret("api_key"), text("model", "Model", ""), text("api_version", "API version", ""),
                text("region", "Region", ""), integer("timeout_secs", 1, 86400, 120), integer("max_retries", 0, 100, 3));
        openai.keySet().removeAll(List.of("provider_name", "preset"));
        List<Preset> presets = new ArrayList<>();
        presets.add(preset("anthropic", "org.openpista.provider.anthropic", "key", "anthropic", openai, "ANTHROPIC_API_KEY"));
        presets.add(preset("claude", "org.openpista.provider.anthropic", "key", "anthropic", openai, "ANTHROPIC_API_KEY"));
        presets.add(preset("openai", "org.openpista.provider.openai", "key", "openai", openai, "OPENAI_API_KEY"));
        presets.add(preset("together", "org.openpista.provider.openai", "key", "together", openai, "TOGETHER_API_KEY"));
        presets.add(preset("ollama", "org.openpista.provider.openai", "nothing", "ollama", openai));
        presets.add(preset("openrouter", "org.openpista.provider.openai", "key", "openrouter", openai, "OPENROUTER_API_KEY"));
        presets.add(preset("custom", "org.openpista.provider.openai", "endpoint", "custom", openai));
        presets.add(preset("github-copilot", "org.openpista.provider.openai", "login", "github-copilot", openai));
        presets.add(preset("google", "org.openpista.provider.openai", "key", "google", openai, "GOOGLE_API_KEY"));
        presets.add(preset("vercel-ai-gateway", "org.openpista.provider.openai", "key", "vercel-ai-gateway", openai,
                "VERCEL_AI_GATEWAY_API_KEY"));
        presets.add(preset("azure-openai", "org.openpista.provider.openai", "key", "azure-openai", openai,
                "AZURE_OPENAI_API_KEY"));
        presets.add(preset("bedrock", "org.openpista.provider.openai", "key", "bedrock", openai, "AWS_BEARER_TOKEN_BEDROCK"));
        presets.add(preset("responses", "org.openpista.provider.responses", "key", "openai", openai, "OPENAI_API_KEY"));
        return presets;
    }

    static Preset preset(String name, String factoryPid, String needs, String login, Map<String, KeySpec> keys,
            String... variables) {
        return new Preset(name, factoryPid, List.of(variables), login, needs, "", factoryPid, keys);
    }

    static Declaration table(String section, String pid, Map<String, String> env, KeySpec... specs) {
        return new Declaration(section, pid, pid, keys(specs), env, "", List.of(), Map.of());
    }

    static Map<String, KeySpec> keys(KeySpec... specs) {
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        for (KeySpec spec : specs) {
            keys.put(spec.key(), spec);
        }
        return keys;
    }

    static KeySpec text(String key, String name, String defaultValue) {
        return new KeySpec(key, key.replace('_', '.'), AttributeDefinition.STRING, false, "", "", List.of(), List.of(defaultValue),
                name, "The " + name.toLowerCase(java.util.Locale.ROOT) + ".", false, "", false);
    }

    static KeySpec url(String key) {
        return text(key, key, "").withFormat(SettingsSection.URL);
    }

    static KeySpec secret(String key) {
        return new KeySpec(key, "." + key.replace('_', '.'), AttributeDefinition.PASSWORD, false, "", "", List.of(), List.of(""),
                key, "A secret.", true, "", false);
    }

    static KeySpec flag(String key, boolean defaultValue) {
        return new KeySpec(key, key.replace('_', '.'), AttributeDefinition.BOOLEAN, false, "", "", List.of(),
                List.of(Boolean.toString(defaultValue)), key, "A switch.", false, "", false);
    }

    static KeySpec integer(String key, int min, int max, int defaultValue) {
        return new KeySpec(key, key.replace('_', '.'), AttributeDefinition.INTEGER, false, Integer.toString(min),
                Integer.toString(max), List.of(), List.of(Integer.toString(defaultValue)), key, "A number.", false, "", false);
    }

    static KeySpec options(String key, String name, String defaultValue, String... options) {
        return new KeySpec(key, key.replace('_', '.'), AttributeDefinition.STRING, false, "", "", List.of(options),
                List.of(defaultValue), name, "A choice.", false, "", false);
    }

    static KeySpec list(String key, int type) {
        return new KeySpec(key, key.replace('_', '.'), type, true, "", "", List.of(), List.of(), key, "A list.", false, "", false);
    }

    static KeySpec workspace() {
        return text("workspace", "Workspace", "").withFormat(SettingsSection.PATH);
    }

    static KeySpec required(KeySpec spec) {
        return new KeySpec(spec.key(), spec.id(), spec.type(), spec.list(), spec.min(), spec.max(), spec.options(),
                spec.defaults(), spec.name(), spec.description(), spec.secret(), spec.format(), true);
    }

    static KeySpec bounded(KeySpec spec, String min, String max) {
        return new KeySpec(spec.key(), spec.id(), spec.type(), spec.list(), min, max, spec.options(), spec.defaults(),
                spec.name(), spec.description(), spec.secret(), spec.format(), spec.required());
    }
}
