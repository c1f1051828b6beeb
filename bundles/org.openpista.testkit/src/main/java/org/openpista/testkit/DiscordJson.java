package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The Discord objects the fake sends, shaped as Discord documents them (users, members, messages,
 * guilds with their channels and roles, interactions): what a client library reads from them must
 * be there, as it is in Discord's payloads.
 */
final class DiscordJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Discord's epoch, the start of 2015, in milliseconds. */
    private static final long EPOCH = 1_420_070_400_000L;

    private DiscordJson() {}

    /** @return a snowflake for now, with a sequence number in its low bits */
    static String snowflake(long sequence) {
        return Long.toString(((System.currentTimeMillis() - EPOCH) << 22) | (sequence & 0xFFF));
    }

    static ObjectNode user(String id, String name, boolean bot) {
        ObjectNode user = NODES.objectNode().put("id", id).put("username", name).put("discriminator", "0")
                .put("global_name", name).putNull("avatar").put("public_flags", 0);
        if (bot) {
            user.put("bot", true);
        }
        return user;
    }

    static ObjectNode member(ObjectNode user, boolean withUser) {
        ObjectNode member = NODES.objectNode();
        if (withUser) {
            member.set("user", user);
        }
        member.putNull("nick").putNull("avatar").putArray("roles");
        member.put("joined_at", "2024-01-01T00:00:00.000000+00:00").putNull("premium_since").put("deaf", false)
                .put("mute", false).put("flags", 0).put("pending", false).put("permissions", "8");
        return member;
    }

    /** @return a message object as MESSAGE_CREATE and the REST API carry it */
    static ObjectNode message(String id, String channelId, String guildId, ObjectNode author, String content,
            List<ObjectNode> mentions, JsonNode components, List<String> attachments) {
        ObjectNode message = NODES.objectNode().put("id", id).put("channel_id", channelId);
        if (guildId != null) {
            message.put("guild_id", guildId);
            message.set("member", member(author, false));
        }
        message.set("author", author);
        message.put("content", content).put("timestamp", Instant.now().toString()).putNull("edited_timestamp")
                .put("tts", false).put("mention_everyone", false);
        message.putArray("mentions").addAll(mentions);
        message.putArray("mention_roles");
        ArrayNode files = message.putArray("attachments");
        int n = 0;
        for (String name : attachments) {
            files.addObject().put("id", id + (n++)).put("filename", name).put("size", 0)
                    .put("url", "https://cdn.discordapp.test/" + name).put("proxy_url", "https://media.discordapp.test/" + name);
        }
        message.putArray("embeds");
        message.put("pinned", false).put("type", 0).put("flags", 0);
        message.set("components", components == null || components.isMissingNode() ? NODES.arrayNode() : components);
        return message;
    }

    static ObjectNode textChannel(String id, String guildId, String name) {
        ObjectNode channel = NODES.objectNode().put("id", id).put("type", 0).put("guild_id", guildId).put("name", name)
                .put("position", 0).putNull("topic").put("nsfw", false).putNull("parent_id").putNull("last_message_id")
                .put("rate_limit_per_user", 0).put("flags", 0);
        channel.putArray("permission_overwrites");
        return channel;
    }

    /** @return a guild as GUILD_CREATE carries it: its text channels, the @everyone role, the bot as a member */
    static ObjectNode guild(String id, String name, List<String> channelIds, ObjectNode bot) {
        ObjectNode guild = NODES.objectNode().put("id", id).put("name", name).putNull("icon").putNull("splash")
                .putNull("discovery_splash").put("owner_id", "1000000000000000001").putNull("afk_channel_id")
                .put("afk_timeout", 300).put("verification_level", 0).put("default_message_notifications", 0)
                .put("explicit_content_filter", 0).put("mfa_level", 0).putNull("application_id").putNull("system_channel_id")
                .put("system_channel_flags", 0).putNull("rules_channel_id").put("max_members", 500000).putNull("vanity_url_code")
                .putNull("description").putNull("banner").put("premium_tier", 0).put("premium_subscription_count", 0)
                .put("preferred_locale", "en-US").putNull("public_updates_channel_id").put("nsfw_level", 0)
                .put("premium_progress_bar_enabled", false).putNull("safety_alerts_channel_id")
                .put("joined_at", "2024-01-01T00:00:00.000000+00:00").put("large", false).put("unavailable", false)
                .put("member_count", 2);
        guild.putArray("features");
        guild.putArray("roles").addObject().put("id", id).put("name", "@everyone").put("color", 0).put("hoist", false)
                .putNull("icon").putNull("unicode_emoji").put("position", 0).put("permissions", "8").put("managed", false)
                .put("mentionable", false).put("flags", 0);
        guild.putArray("emojis");
        guild.putArray("stickers");
        guild.putArray("voice_states");
        guild.putArray("members").add(member(bot, true));
        ArrayNode channels = guild.putArray("channels");
        for (String channelId : channelIds) {
            channels.add(textChannel(channelId, id, "channel-" + channelId.substring(channelId.length() - 4)));
        }
        guild.putArray("threads");
        guild.putArray("presences");
        guild.putArray("stage_instances");
        guild.putArray("guild_scheduled_events");
        return guild;
    }

    /**
     * @return an INTERACTION_CREATE payload
     * @param guildId the guild, or null in a DM
     * @param data the interaction's data (a command's name and options, a button's custom_id)
     * @param message for a button, the message it is under
     */
    static ObjectNode interaction(String id, String applicationId, int type, String token, String channelId, String guildId,
            ObjectNode user, JsonNode data, JsonNode message) {
        ObjectNode interaction = NODES.objectNode().put("id", id).put("application_id", applicationId).put("type", type)
                .put("token", token).put("version", 1).put("channel_id", channelId).put("locale", "en-US")
                .put("app_permissions", "8");
        interaction.set("data", data);
        if (guildId != null) {
            interaction.put("guild_id", guildId).put("guild_locale", "en-US").put("context", 0);
            interaction.putObject("guild").put("id", guildId).put("locale", "en-US").putArray("features");
            interaction.set("member", member(user, true));
            interaction.set("channel", textChannel(channelId, guildId, "channel-" + channelId.substring(channelId.length() - 4)));
            interaction.putObject("authorizing_integration_owners").put("0", guildId);
        } else {
            interaction.put("context", 1);
            interaction.set("user", user);
            ObjectNode channel = interaction.putObject("channel").put("id", channelId).put("type", 1).put("flags", 0);
            channel.putNull("last_message_id");
            channel.putArray("recipients").add(user);
            interaction.putObject("authorizing_integration_owners").put("0", "0");
        }
        interaction.putArray("entitlements");
        if (message != null) {
            interaction.set("message", message);
        }
        return interaction;
    }

    /** @return the fake's bot user */
    static ObjectNode bot() {
        return user(FakeDiscordServer.BOT_ID, FakeDiscordServer.BOT_NAME, true);
    }

    /** @return a user named after the last digits of its id */
    static ObjectNode user(String id) {
        return user(id, "user" + id.substring(id.length() - 4), false);
    }

    /** @return the id of a registered slash command, fixed per name */
    static String commandId(String name) {
        return "13" + String.format("%017d", Math.abs((long) name.hashCode()));
    }
}
