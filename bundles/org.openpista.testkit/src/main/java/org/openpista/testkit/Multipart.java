package org.openpista.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** A small multipart/form-data reader for the fake Bot API's file uploads. */
final class Multipart {

    private Multipart() {}

    /**
     * Reads the parts: file parts (with a {@code filename}) go to {@code files}, the others to
     * {@code params} as text.
     *
     * @throws IllegalArgumentException when the body is not valid multipart
     */
    static void parse(String contentType, byte[] body, ObjectNode params, Map<String, byte[]> files) {
        parse(contentType, body, params, files, new java.util.HashMap<>());
    }

    /**
     * Reads the parts as {@link #parse(String, byte[], ObjectNode, Map)} does, and notes for each
     * file part its file name and content type ({@code {filename, type}}, the type empty when none).
     */
    static void parse(String contentType, byte[] body, ObjectNode params, Map<String, byte[]> files,
            Map<String, String[]> described) {
        String boundary = null;
        for (String piece : contentType.split(";")) {
            String trimmed = piece.strip();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                boundary = trimmed.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new IllegalArgumentException("multipart body without boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int position = indexOf(body, delimiter, 0);
        if (position < 0) {
            throw new IllegalArgumentException("multipart body without parts");
        }
        while (true) {
            int start = position + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                return; // closing delimiter
            }
            start = skipLineBreak(body, start);
            int next = indexOf(body, delimiter, start);
            if (next < 0) {
                throw new IllegalArgumentException("multipart body not terminated");
            }
            int end = next;
            if (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n') {
                end -= 2;
            }
            part(Arrays.copyOfRange(body, start, end), params, files, described);
            position = next;
        }
    }

    private static void part(byte[] part, ObjectNode params, Map<String, byte[]> files, Map<String, String[]> described) {
        int headerEnd = indexOf(part, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (headerEnd < 0) {
            throw new IllegalArgumentException("multipart part without headers");
        }
        String headers = new String(part, 0, headerEnd, StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOfRange(part, headerEnd + 4, part.length);
        String name = null;
        String fileName = null;
        String type = "";
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                type = line.substring("content-type:".length()).strip();
            }
            if (!line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                continue;
            }
            for (String attribute : line.split(";")) {
                String trimmed = attribute.strip();
                if (trimmed.startsWith("name=")) {
                    name = trimmed.substring(5).replace("\"", "");
                } else if (trimmed.startsWith("filename=")) {
                    fileName = trimmed.substring(9).replace("\"", "");
                }
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("multipart part without a name");
        }
        if (fileName != null) {
            files.put(name, content);
            described.put(name, new String[] {fileName, type});
        } else {
            params.put(name, new String(content, StandardCharsets.UTF_8));
        }
    }

    private static int skipLineBreak(byte[] body, int index) {
        if (index + 1 < body.length && body[index] == '\r' && body[index + 1] == '\n') {
            return index + 2;
        }
        return index;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
