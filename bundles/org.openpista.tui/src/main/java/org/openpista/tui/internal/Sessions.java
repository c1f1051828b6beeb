package org.openpista.tui.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Session helpers of the UI: new ids, how old a session is, and the names the user gives sessions
 * in the sidebar. The conversation store has no names, so they are the UI's own, kept in {@code
 * $OPENPISTA_HOME/tui-sessions.properties} (written whole and moved into place).
 */
final class Sessions {

    private final Path file;

    Sessions(Path home) {
        this.file = home.resolve("tui-sessions.properties");
    }

    /** @return a new session id, like {@code openpista run}'s but marked as the terminal UI's */
    static String newId() {
        return "tui-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** @return how long ago the session was active, for lists: {@code now}, {@code 5 min}, {@code 3 h}, {@code 2 d} */
    static String age(SessionSummary session, long nowMillis) {
        if (session.updatedAt() == null) {
            return "";
        }
        long seconds = Math.max(0, Duration.between(session.updatedAt(), Instant.ofEpochMilli(nowMillis)).toSeconds());
        if (seconds < 60) {
            return "now";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86400 + " d";
    }

    /** @return the sessions with the names the user gave them */
    synchronized List<SessionSummary> titled(List<SessionSummary> sessions) {
        Properties names = load();
        List<SessionSummary> out = new ArrayList<>(sessions.size());
        for (SessionSummary session : sessions) {
            out.add(session.titled(names.getProperty(session.id(), "")));
        }
        return out;
    }

    /** Names a session; an empty name removes it. */
    synchronized void rename(String sessionId, String title) throws IOException {
        Properties names = load();
        if (title.isBlank()) {
            names.remove(sessionId);
        } else {
            names.setProperty(sessionId, title.strip());
        }
        save(names);
    }

    /** Forgets the name of a deleted session. */
    synchronized void forget(String sessionId) throws IOException {
        Properties names = load();
        if (names.remove(sessionId) != null) {
            save(names);
        }
    }

    private Properties load() {
        Properties names = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                names.load(reader);
            } catch (IOException e) {
                // unreadable names: the sessions show without them
            }
        }
        return names;
    }

    private void save(Properties names) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), ".tui-sessions-", ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                names.store(writer, "names of sessions given in the terminal UI");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
