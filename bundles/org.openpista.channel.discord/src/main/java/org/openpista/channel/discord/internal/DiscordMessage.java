package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the channel reads of a Discord message (a MESSAGE_CREATE or a page of history).
 *
 * @param id its snowflake
 * @param channelId its channel or thread
 * @param guildId its server, or null in a DM
 * @param authorId who wrote it
 * @param fromBot whether a bot or Discord itself (a system message) wrote it
 * @param content its raw text, mentions as {@code <@id>}
 * @param attachments its files
 */
record DiscordMessage(String id, String channelId, String guildId, String authorId, boolean fromBot, String content,
        List<File> attachments) {

    /** A file attached to a message: its name, type (may be null), size in bytes and CDN address. */
    record File(String name, String contentType, long size, String url) {}

    /**
     * @param knownGuild the server when the caller knows it (history pages carry no {@code guild_id}); else null
     */
    static DiscordMessage of(JsonNode message, String knownGuild) {
        JsonNode author = message.path("author");
        List<File> files = new ArrayList<>();
        for (JsonNode file : message.path("attachments")) {
            files.add(new File(file.path("filename").asText(""), file.hasNonNull("content_type")
                    ? file.path("content_type").asText() : null, file.path("size").asLong(0), file.path("url").asText("")));
        }
        String guild = message.hasNonNull("guild_id") ? message.path("guild_id").asText() : knownGuild;
        return new DiscordMessage(message.path("id").asText(), message.path("channel_id").asText(), guild,
                author.path("id").asText(), author.path("bot").asBoolean(false) || author.path("system").asBoolean(false),
                message.path("content").asText(""), List.copyOf(files));
    }

    /** @return whether it was written in a DM */
    boolean direct() {
        return guildId == null;
    }

    /** @return whether it has what the bot needs to handle it: its id, channel and author */
    boolean complete() {
        return !id.isEmpty() && !channelId.isEmpty() && !authorId.isEmpty();
    }
}
