package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of attachments (photos users send, screenshots tools take), kept as files named by
 * their SHA-256 in {@code media/} beside the database instead of inside it: the same picture sent
 * twice is stored once, the database stays small, and a session's text loads without touching
 * image bytes. Folders are its owner's only (700), files too (600); a file is written under a
 * temporary name and moved into place, so a reader never sees half of one. New files are refused
 * once the folder would exceed the quota.
 */
final class MediaFiles {

    private static final Logger LOG = LoggerFactory.getLogger(MediaFiles.class);

    private final Path dir;
    private final long quotaBytes;

    /**
     * @param dir the folder, created on the first store
     * @param quotaBytes the most all files together may take
     */
    MediaFiles(Path dir, long quotaBytes) {
        this.dir = dir.toAbsolutePath().normalize();
        this.quotaBytes = quotaBytes;
    }

    /** @return the folder */
    Path dir() {
        return dir;
    }

    /**
     * Stores bytes unless a file with the same content exists.
     *
     * @return their SHA-256 in lower-case hex, the file's name
     * @throws StoreException when the quota would be exceeded or the file cannot be written
     */
    String store(byte[] data) {
        String sha = sha256(data);
        Path file = path(sha);
        try {
            if (Files.isRegularFile(file) && Files.size(file) == data.length) {
                return sha;
            }
            long used = used();
            if (used + data.length > quotaBytes) {
                throw new StoreException("the storage for photos and files is full (" + megabytes(used) + " of "
                        + megabytes(quotaBytes) + " MB used, [database] media_quota_mb); delete old sessions or raise "
                        + "the quota", null);
            }
            createPrivateDirectory(dir);
            createPrivateDirectory(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".incoming-", ".tmp", posix()
                    ? new java.nio.file.attribute.FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new java.nio.file.attribute.FileAttribute<?>[0]);
            try {
                Files.write(temporary, data);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return sha;
        } catch (IOException e) {
            throw new StoreException("cannot store an attachment in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the bytes of a stored file, or {@code null} when it is gone (deleted by hand) */
    byte[] read(String sha) {
        try {
            return Files.readAllBytes(path(sha));
        } catch (NoSuchFileException e) {
            LOG.warn("The attachment file {} is missing; the message is shown without it", path(sha));
            return null;
        } catch (IOException e) {
            throw new StoreException("cannot read the attachment " + path(sha) + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file no row refers to any more. */
    void delete(String sha) {
        try {
            Files.deleteIfExists(path(sha));
        } catch (IOException e) {
            LOG.warn("Cannot delete the unused attachment file {}: {}", path(sha), e.getMessage());
        }
    }

    /** @return the bytes all stored files take now (other processes may store too, so it is counted afresh) */
    long used() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    Path path(String sha) {
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new StoreException("not an attachment id: " + sha, null);
        }
        return dir.resolve(sha.substring(0, 2)).resolve(sha);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static void createPrivateDirectory(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Files.createDirectories(folder);
        if (posix()) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
