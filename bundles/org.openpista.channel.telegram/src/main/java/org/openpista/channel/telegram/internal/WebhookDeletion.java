package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * The {@code deleteWebhook} before polling, whose successful answer ({@code "result": true}) is read
 * as a JSON tree, as {@link MeRequest} reads {@code getMe}'s: so an idle bot makes no Jackson bean
 * deserializer. Any other answer is read by telegrambots as before.
 */
final class WebhookDeletion extends DeleteWebhook implements PlainBody {

    private static final long serialVersionUID = 1L;

    @Override
    public String json() {
        return getDropPendingUpdates() != null ? null : "{\"method\":" + PlainBody.quoted(getMethod()) + "}";
    }

    @Override
    public Boolean deserializeResponse(String answer) throws TelegramApiRequestException {
        JsonNode result = MeRequest.result(answer);
        return result != null && result.isBoolean() ? result.asBoolean() : super.deserializeResponse(answer);
    }
}
