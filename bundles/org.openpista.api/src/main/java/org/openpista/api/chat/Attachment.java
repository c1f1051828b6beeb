package org.openpista.api.chat;

import java.util.Objects;

/**
 * Binary content that travels beside the text of a message: a photo or file a user sent (on a user
 * message, checked by the agent and sent to the model as image input, attached text or a note,
 * depending on what the provider and model take), or a screenshot a tool took (on a tool result,
 * shown to the user by channels that can display it, not sent to the model).
 *
 * @param mimeType for example {@code image/png}
 * @param name a file name for display, may be empty
 * @param data the bytes
 */
public record Attachment(String mimeType, String name, byte[] data) {
    public Attachment {
        Objects.requireNonNull(mimeType, "mimeType");
        name = name == null ? "" : name;
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** @return the number of bytes */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attachment a
                && a.mimeType.equals(mimeType)
                && a.name.equals(name)
                && java.util.Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mimeType, name, java.util.Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Attachment[" + mimeType + ", " + name + ", " + data.length + " bytes]";
    }
}
