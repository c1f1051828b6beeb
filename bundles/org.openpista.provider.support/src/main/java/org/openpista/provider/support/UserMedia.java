package org.openpista.provider.support;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;

/**
 * What a user message's attachments become on the wire, the same way for every provider: images of
 * the types the vision APIs take go out as image parts (each vendor writes its own part with {@link
 * #base64} or {@link #dataUrl}); text files join the text, within {@link #TEXT_BUDGET}; everything
 * else, and images for a model known not to see them, become a short note in the text, so the model
 * knows something was sent and can say what it cannot read. Recordings ({@code audio/*}) and
 * PDFs add nothing: the agent has already put their transcript or text, or a note, in the text.
 */
public final class UserMedia {

    /** Image types OpenAI, Anthropic and the Responses API accept as image input. */
    public static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    /** Characters of attached text files sent per message; the rest is cut with a note. */
    public static final int TEXT_BUDGET = 60_000;

    /** Model families that take text only (their vendors document no image input). */
    private static final List<String> TEXT_ONLY = List.of("gpt-3.5", "gpt-4-0613", "gpt-4-32k", "o1-mini", "o3-mini",
            "deepseek", "codestral", "mixtral", "mistral-7b", "mistral-small-2402", "codellama", "llama-2", "llama-3.1",
            "llama3.1", "qwen2.5-coder", "text-");

    /**
     * The text and images of one user message.
     *
     * @param text the message text followed by attached text files and notes
     * @param images the image attachments to send as image parts, in order
     */
    public record Parts(String text, List<Attachment> images) {}

    private UserMedia() {}

    /** @return whether the model is expected to accept image input; unknown models are assumed to */
    public static boolean acceptsImages(String model) {
        String id = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = id.lastIndexOf('/');
        String name = slash < 0 ? id : id.substring(slash + 1);
        return TEXT_ONLY.stream().noneMatch(name::startsWith);
    }

    /**
     * @param message a user message
     * @param model the model it goes to
     * @return its text and the images to send beside it
     */
    public static Parts of(ChatMessage message, String model) {
        if (message.attachments().isEmpty()) {
            return new Parts(message.content(), List.of());
        }
        boolean vision = acceptsImages(model);
        StringBuilder text = new StringBuilder(message.content());
        List<Attachment> images = new ArrayList<>();
        int budget = TEXT_BUDGET;
        for (Attachment attachment : message.attachments()) {
            String type = attachment.mimeType().toLowerCase(Locale.ROOT);
            String label = attachment.name().isEmpty() ? type : attachment.name() + " (" + type + ")";
            if (type.startsWith("audio/") || type.equals("application/pdf")) {
                // voice notes and PDFs reach the model as the transcript or text (or the note) the agent put in the text
                continue;
            }
            if (IMAGE_TYPES.contains(type) && vision) {
                images.add(attachment);
                continue;
            }
            String decoded = type.startsWith("text/") ? utf8(attachment.data()) : null;
            separate(text);
            if (IMAGE_TYPES.contains(type)) {
                text.append("[The user attached the image ").append(label).append(", but the model ").append(model)
                        .append(" does not take images, so it is not shown. Tell the user to switch to a model that "
                                + "sees images (/model) if the image matters.]");
            } else if (decoded != null && budget > 0) {
                String part = decoded.length() <= budget ? decoded : decoded.substring(0, budget);
                budget -= part.length();
                text.append("[Attached file ").append(label).append(":]\n").append(part);
                if (part.length() < decoded.length()) {
                    text.append("\n[… cut: ").append(decoded.length() - part.length()).append(" more characters]");
                }
            } else {
                text.append("[The user attached ").append(label).append(", ").append(attachment.size())
                        .append(" bytes, which cannot be shown to the model.]");
            }
        }
        return new Parts(text.toString(), List.copyOf(images));
    }

    /** @return the attachment's bytes in standard base64 */
    public static String base64(Attachment attachment) {
        return Base64.getEncoder().encodeToString(attachment.data());
    }

    /** @return the attachment as a {@code data:} URL, as OpenAI's image parts take it */
    public static String dataUrl(Attachment attachment) {
        return "data:" + attachment.mimeType().toLowerCase(Locale.ROOT) + ";base64," + base64(attachment);
    }

    private static void separate(StringBuilder text) {
        if (!text.isEmpty()) {
            text.append("\n\n");
        }
    }

    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
