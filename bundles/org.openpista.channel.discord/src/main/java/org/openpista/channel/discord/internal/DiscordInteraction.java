package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the channel reads of an INTERACTION_CREATE: a slash command (type 2) or a button press (type 3).
 *
 * @param id its snowflake
 * @param token its token, for the answer and follow-ups
 * @param applicationId the bot's application
 * @param type 2 for a command, 3 for a component
 * @param channelId where it happened
 * @param guildId its server, or null in a DM
 * @param userId who did it
 * @param data the command's name and options, or the button's {@code custom_id}
 */
record DiscordInteraction(String id, String token, String applicationId, int type, String channelId, String guildId,
        String userId, JsonNode data) {

    static final int COMMAND = 2;
    static final int COMPONENT = 3;

    static DiscordInteraction of(JsonNode interaction) {
        JsonNode user = interaction.path("member").path("user");
        if (user.isMissingNode()) {
            user = interaction.path("user");
        }
        String channel = interaction.hasNonNull("channel_id") ? interaction.path("channel_id").asText()
                : interaction.path("channel").path("id").asText();
        return new DiscordInteraction(interaction.path("id").asText(), interaction.path("token").asText(),
                interaction.path("application_id").asText(), interaction.path("type").asInt(), channel,
                interaction.hasNonNull("guild_id") ? interaction.path("guild_id").asText() : null, user.path("id").asText(),
                interaction.path("data"));
    }

    /** @return the command's name */
    String name() {
        return data.path("name").asText("");
    }

    /** @return a string option of the command, stripped, or "" */
    String option(String name) {
        for (JsonNode option : data.path("options")) {
            if (name.equals(option.path("name").asText())) {
                return option.path("value").asText("").strip();
            }
        }
        return "";
    }

    /** @return the pressed button's custom id */
    String customId() {
        return data.path("custom_id").asText("");
    }

    /** @return whether it can be answered and checked: its id, token, channel and user are there */
    boolean answerable() {
        return !id.isEmpty() && !token.isEmpty() && !channelId.isEmpty() && !userId.isEmpty();
    }
}
