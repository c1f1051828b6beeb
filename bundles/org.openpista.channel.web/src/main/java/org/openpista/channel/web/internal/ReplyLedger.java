package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of each client message id, kept in files under the openpista home so that it
 * outlives the web channel bundle itself: when that bundle is updated or rolled back its sockets
 * close, a turn in flight answers to the version that took its message, and the clients resend
 * their unanswered message to the new version ({@code "resend": true}). From this ledger the new
 * version knows whether the message was taken already (then it is not submitted again) and what
 * its turn answered (then the answer is sent once more to the client that missed it).
 *
 * <p>One small file per message id, written whole and renamed into place, so the old version
 * answering and the new one reading never see half an entry. Entries older than a day are swept.
 */
final class ReplyLedger {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyLedger.class);
    /** How long an entry is kept: far longer than a swap or a reconnect takes. */
    static final Duration KEEP = Duration.ofDays(1);

    /** One message: taken ({@code answer == null}) or answered with this final frame. */
    record Entry(String sessionId, String messageId, ObjectNode answer) {
        boolean answered() {
            return answer != null;
        }
    }

    private final Path dir;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param dir where the entries live; {@code null} keeps none (no resume across versions) */
    ReplyLedger(Path dir) {
        this.dir = dir;
    }

    /** The message was taken (called before it is submitted). */
    void taken(String sessionId, String messageId) {
        write(sessionId, messageId, null);
    }

    /** The message's turn ended with this frame ({@code response}, or {@code generation_cancelled}). */
    void answered(String sessionId, String messageId, ObjectNode answer) {
        write(sessionId, messageId, answer);
    }

    /** The message could not be submitted after all: a resend of it is a new message. */
    void forget(String sessionId, String messageId) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file(sessionId, messageId));
        } catch (IOException e) {
            problem(e);
        }
    }

    /** @return what is known of the message, empty when this ledger never saw it */
    Optional<Entry> find(String sessionId, String messageId) {
        if (dir == null) {
            return Optional.empty();
        }
        try {
            JsonNode stored = Frames.JSON.readTree(Files.readString(file(sessionId, messageId), StandardCharsets.UTF_8));
            if (!sessionId.equals(stored.path("session_id").asText()) || !messageId.equals(stored.path("message_id").asText())) {
                return Optional.empty();
            }
            JsonNode answer = stored.get("answer");
            return Optional.of(new Entry(sessionId, messageId, answer instanceof ObjectNode frame ? frame : null));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            problem(e);
            return Optional.empty();
        }
    }

    /** Deletes the entries older than {@link #KEEP}. @return how many */
    int sweep() {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        FileTime before = FileTime.from(Instant.now().minus(KEEP));
        int swept = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            for (Path entry : entries) {
                try {
                    if (Files.getLastModifiedTime(entry).compareTo(before) < 0 && Files.deleteIfExists(entry)) {
                        swept++;
                    }
                } catch (IOException e) {
                    // taken meanwhile by another sweep, or unreadable: the next sweep tries again
                }
            }
        } catch (IOException e) {
            problem(e);
        }
        return swept;
    }

    private void write(String sessionId, String messageId, ObjectNode answer) {
        if (dir == null) {
            return;
        }
        ObjectNode entry = Frames.JSON.createObjectNode().put("session_id", sessionId).put("message_id", messageId);
        if (answer != null) {
            entry.set("answer", answer);
        }
        Path target = file(sessionId, messageId);
        try {
            createDir();
            Path temporary = Files.createTempFile(dir, ".entry", ".tmp");
            try {
                Files.writeString(temporary, Frames.text(entry), StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            problem(e);
        }
    }

    private void createDir() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // answers are private: only the owner reads them
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** One file per session and message id; hashed, since both come from the client. */
    private Path file(String sessionId, String messageId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((sessionId + '\u0000' + messageId).getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 20) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private void problem(IOException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Cannot keep web message ids in {} ({}): a client reconnecting after the web channel's own update "
                    + "may miss an answer", dir, FrameFields.describe(e));
        } else {
            LOG.debug("Web reply ledger", e);
        }
    }
}
