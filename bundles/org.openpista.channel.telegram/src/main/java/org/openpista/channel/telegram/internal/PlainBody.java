package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * A method of the channel's start and of its idle long poll that writes its own JSON body, the text
 * telegrambots' Jackson writes for it: so an idle bot makes no Jackson bean serializer (about 20
 * classes and their tables). {@link BotTransport} writes every other method with Jackson.
 */
interface PlainBody {

    /** @return the request's JSON, as Jackson writes the method, or null to have Jackson write it */
    String json();

    /** @return {@code text} as a JSON string, quotes included */
    static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** @return {@code texts} as a JSON array of strings */
    static String quoted(List<String> texts) {
        StringBuilder out = new StringBuilder("[");
        for (String text : texts) {
            out.append(out.length() > 1 ? "," : "").append(quoted(text));
        }
        return out.append(']').toString();
    }
}
