package org.openpista.channel.telegram.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A {@code getUpdates} whose empty answer (a long poll that ended without news, most answers of an
 * idle bot) is read without Jackson: telegrambots' own reading makes Jackson build its
 * deserializers for the whole {@code Update} model at the first answer, some hundred classes of
 * the Bot API's objects and their tables, which a bot without messages never needs. Any other
 * answer (updates, an error) is read by telegrambots as before. The request itself is written
 * without Jackson too ({@link PlainBody}).
 */
final class UpdatesRequest extends GetUpdates implements PlainBody {

    private static final long serialVersionUID = 1L;
    private static final Pattern EMPTY = Pattern.compile("\\s*\\{\\s*\"ok\"\\s*:\\s*true\\s*,\\s*\"result\"\\s*:\\s*\\[\\s*]\\s*}\\s*");

    UpdatesRequest(int offset, int limit, int timeout, List<String> allowedUpdates) {
        super(offset, limit, timeout, allowedUpdates);
    }

    @Override
    public String json() {
        StringBuilder out = new StringBuilder("{");
        field(out, "offset", getOffset());
        field(out, "limit", getLimit());
        field(out, "timeout", getTimeout());
        field(out, "allowed_updates", getAllowedUpdates() == null ? null : PlainBody.quoted(getAllowedUpdates()));
        field(out, "method", PlainBody.quoted(getMethod()));
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, Object json) {
        if (json != null) {
            out.append(out.length() > 1 ? "," : "").append('"').append(name).append("\":").append(json);
        }
    }

    @Override
    public ArrayList<Update> deserializeResponse(String answer) throws TelegramApiRequestException {
        return answer.length() < 64 && EMPTY.matcher(answer).matches() ? new ArrayList<>() : super.deserializeResponse(answer);
    }
}
