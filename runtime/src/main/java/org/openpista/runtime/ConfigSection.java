package org.openpista.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and edits one {@code [a.b]} section of {@code config.toml} line by line, so that setup
 * commands change only the keys they set and keep comments and the rest of the file as written.
 * Values are read from the simple forms setup commands write (strings, integers, booleans); the
 * file is replaced atomically and, because it may hold secrets, readable by its owner only.
 */
final class ConfigSection {

    private static final Pattern ANY_HEADER = Pattern.compile("^\\s*\\[.*");
    private static final Pattern KEY = Pattern.compile("^\\s*\"?([A-Za-z0-9_-]+)\"?\\s*=\\s*(.*?)\\s*$");

    private final String section;
    private final Pattern header;

    /** @param section the dotted table name, for example {@code channels.web} */
    ConfigSection(String section) {
        this.section = section;
        StringBuilder regex = new StringBuilder("^\\s*\\[\\s*");
        String[] parts = section.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("\\s*\\.\\s*");
            }
            regex.append("(?:").append(Pattern.quote(parts[i])).append("|\"").append(Pattern.quote(parts[i])).append("\")");
        }
        regex.append("\\s*]\\s*(#.*)?$");
        this.header = Pattern.compile(regex.toString());
    }

    /** @return the value of a key in the section, unquoted, or {@code null} when absent */
    String get(String content, String key) {
        List<String> lines = lines(content);
        int start = find(lines);
        if (start < 0) {
            return null;
        }
        for (int i = start + 1; i < lines.size() && !ANY_HEADER.matcher(lines.get(i)).matches(); i++) {
            Matcher matcher = KEY.matcher(lines.get(i));
            if (matcher.matches() && matcher.group(1).equals(key)) {
                return value(matcher.group(2));
            }
        }
        return null;
    }

    /**
     * @param values keys with their TOML values as written (strings already quoted), in order
     * @return the content with the keys set in the section (added where missing)
     */
    String set(String content, Map<String, String> values) {
        List<String> lines = lines(content);
        int start = find(lines);
        if (start < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("[" + section + "]");
            values.forEach((key, value) -> lines.add(key + " = " + value));
            return String.join("\n", lines) + "\n";
        }
        int end = lines.size();
        for (int i = start + 1; i < lines.size(); i++) {
            if (ANY_HEADER.matcher(lines.get(i)).matches()) {
                end = i;
                break;
            }
        }
        // insert new keys after the section's last key line, not after trailing blank lines
        int insertAt = start + 1;
        for (int i = start + 1; i < end; i++) {
            if (!lines.get(i).isBlank()) {
                insertAt = i + 1;
            }
        }
        for (Map.Entry<String, String> entry : values.entrySet()) {
            boolean replaced = false;
            for (int i = start + 1; i < end; i++) {
                Matcher matcher = KEY.matcher(lines.get(i));
                if (matcher.matches() && matcher.group(1).equals(entry.getKey())) {
                    lines.set(i, entry.getKey() + " = " + entry.getValue());
                    replaced = true;
                    break;
                }
            }
            if (!replaced) {
                lines.add(insertAt, entry.getKey() + " = " + entry.getValue());
                insertAt++;
                end++;
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** @return a TOML basic string holding the text */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Replaces the file atomically with the content, readable and writable by its owner only. */
    static void write(Path file, String content) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        Path temp = posix
                ? Files.createTempFile(target.getParent(), ".config.toml.", ".tmp", PosixFilePermissions.asFileAttribute(ownerOnly))
                : Files.createTempFile(target.getParent(), ".config.toml.", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private int find(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (header.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> lines(String content) {
        List<String> lines = new ArrayList<>(List.of(content.replace("\r\n", "\n").split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** @return the value without quotes and trailing comment (basic strings unescaped) */
    static String value(String raw) {
        String text = raw.strip();
        if (text.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && i + 1 < text.length()) {
                    char next = text.charAt(++i);
                    switch (next) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (i + 4 < text.length()) {
                                out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                                i += 4;
                            }
                        }
                        default -> out.append(next);
                    }
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        if (text.startsWith("'")) {
            int close = text.indexOf('\'', 1);
            return close < 0 ? text.substring(1) : text.substring(1, close);
        }
        int comment = text.indexOf('#');
        return (comment < 0 ? text : text.substring(0, comment)).strip();
    }
}
