package org.openpista.channel.telegram.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A {@code multipart/form-data} body (RFC 7578), as the Bot API takes uploads: text fields, and
 * files with a file name and {@code application/octet-stream}, written as telegrambots' OkHttp
 * client writes them (its {@code TelegramMultipartBuilder}).
 */
final class MultipartForm {

    /**
     * One part.
     *
     * @param name the field name
     * @param fileName the file name for an uploaded file, {@code null} for a text field
     * @param content the bytes (UTF-8 for text fields)
     */
    record Part(String name, String fileName, byte[] content) {}

    private final Supplier<String> boundaries;
    private final List<Part> parts = new ArrayList<>();
    private String boundary;

    MultipartForm() {
        this(() -> UUID.randomUUID().toString());
    }

    /** @param boundaries where boundaries are drawn from until one does not occur in the content */
    MultipartForm(Supplier<String> boundaries) {
        this.boundaries = boundaries;
    }

    /** Adds a text field when the value is not {@code null}, written with {@code toString()}. */
    MultipartForm field(String name, Object value) {
        if (value != null) {
            parts.add(new Part(name, null, value.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** Adds an uploaded file. */
    MultipartForm file(String name, String fileName, byte[] content) {
        parts.add(new Part(name, fileName, content));
        return this;
    }

    /** @return the parts added so far, in order */
    List<Part> parts() {
        return List.copyOf(parts);
    }

    /** @return the {@code Content-Type} header, with the boundary (ask once every part is added, as for {@link #body}) */
    String contentType() {
        return "multipart/form-data; boundary=" + boundary();
    }

    /** @return the body */
    HttpRequest.BodyPublisher body() {
        String boundary = boundary();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(part.name()) + "\"");
            if (part.fileName() != null) {
                write(out, "; filename=\"" + quoted(part.fileName()) + "\"\r\nContent-Type: application/octet-stream");
            }
            write(out, "\r\nContent-Length: " + part.content().length + "\r\n\r\n");
            out.writeBytes(part.content());
            write(out, "\r\n");
        }
        write(out, "--" + boundary + "--\r\n");
        return HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
    }

    /** @return a boundary that occurs in no part's content (a random one practically never does, but a file may be anything) */
    private String boundary() {
        while (boundary == null || parts.stream().anyMatch(part -> contains(part.content(), boundary))) {
            boundary = boundaries.get();
        }
        return boundary;
    }

    private static boolean contains(byte[] content, String boundary) {
        byte[] sought = boundary.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int start = 0; start <= content.length - sought.length; start++) {
            for (int i = 0; i < sought.length; i++) {
                if (content[start + i] != sought[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** As browsers and OkHttp escape names in {@code Content-Disposition}. */
    private static String quoted(String name) {
        return name.replace("\n", "%0A").replace("\r", "%0D").replace("\"", "%22");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
