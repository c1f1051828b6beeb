package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.BiConsumer;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A {@code getMe} whose successful answer is read as a JSON tree: telegrambots' own reading has
 * Jackson build its bean deserializers ({@code ApiResponse}, {@code User} and the machinery behind
 * them, some 80 classes) at the channel's start, which an idle bot never needs again; the first
 * update builds them anyway. An answer with a field of an unexpected type, and every error, is read
 * by telegrambots as before.
 */
final class MeRequest extends GetMe implements PlainBody {

    private static final long serialVersionUID = 1L;
    /** The answer's tree only: no bean deserializer is made. */
    static final ObjectMapper TREES = new ObjectMapper();
    private static final Map<String, BiConsumer<User, String>> TEXTS = Map.of(
            "last_name", User::setLastName,
            "username", User::setUserName,
            "language_code", User::setLanguageCode);
    private static final Map<String, BiConsumer<User, Boolean>> FLAGS = Map.ofEntries(
            Map.entry("can_join_groups", User::setCanJoinGroups),
            Map.entry("can_read_all_group_messages", User::setCanReadAllGroupMessages),
            Map.entry("supports_inline_queries", User::setSupportInlineQueries),
            Map.entry("is_premium", User::setIsPremium),
            Map.entry("added_to_attachment_menu", User::setAddedToAttachmentMenu),
            Map.entry("can_connect_to_business", User::setCanConnectToBusiness),
            Map.entry("has_main_web_app", User::setHasMainWebApp),
            Map.entry("has_topics_enabled", User::setHasTopicsEnabled),
            Map.entry("allows_users_to_create_topics", User::setAllowsUsersToCreateTopics),
            Map.entry("can_manage_bots", User::setCanManageBots),
            Map.entry("supports_guest_queries", User::setSupportsGuestQueries),
            Map.entry("supports_join_request_queries", User::setSupportsJoinRequestQueries));

    @Override
    public String json() {
        return "{\"method\":" + PlainBody.quoted(getMethod()) + "}";
    }

    @Override
    public User deserializeResponse(String answer) throws TelegramApiRequestException {
        User me = read(answer);
        return me != null ? me : super.deserializeResponse(answer);
    }

    /** @return the user of a successful answer whose fields have the types telegrambots reads, or null */
    private static User read(String answer) {
        JsonNode result = result(answer);
        if (result == null || !result.path("id").canConvertToLong() || !result.path("id").isIntegralNumber()
                || !result.path("first_name").isTextual() || !result.path("is_bot").isBoolean()) {
            return null;
        }
        User me = new User(result.get("id").asLong(), result.get("first_name").asText(), result.get("is_bot").asBoolean());
        for (Map.Entry<String, BiConsumer<User, String>> text : TEXTS.entrySet()) {
            JsonNode value = result.path(text.getKey());
            if (value.isTextual()) {
                text.getValue().accept(me, value.asText());
            } else if (!value.isMissingNode() && !value.isNull()) {
                return null;
            }
        }
        for (Map.Entry<String, BiConsumer<User, Boolean>> flag : FLAGS.entrySet()) {
            JsonNode value = result.path(flag.getKey());
            if (value.isBoolean()) {
                flag.getValue().accept(me, value.asBoolean());
            } else if (!value.isMissingNode() && !value.isNull()) {
                return null;
            }
        }
        return me;
    }

    /** @return the {@code result} object of an answer {@code {"ok":true,…}}, or null for any other answer */
    static JsonNode result(String answer) {
        try {
            JsonNode root = TREES.readTree(answer);
            return root != null && root.path("ok").asBoolean(false) && root.path("ok").isBoolean() ? root.path("result") : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
