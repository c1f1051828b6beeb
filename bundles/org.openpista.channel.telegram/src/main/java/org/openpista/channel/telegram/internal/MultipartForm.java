package org.openpista.channel.telegram.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

    private final String boundary = UUID.randomUUID().toString();
    private final List<Part> parts = new ArrayList<>();

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

    /** @return the {@code Content-Type} header, with the boundary */
    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** @return the body */
    HttpRequest.BodyPublisher body() {
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

    /** As browsers and OkHttp escape names in {@code Content-Disposition}. */
    private static String quoted(String name) {
        return name.replace("\n", "%0A").replace("\r", "%0D").replace("\"", "%22");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
