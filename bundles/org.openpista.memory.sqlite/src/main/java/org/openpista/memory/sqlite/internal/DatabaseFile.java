package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Looks at the configured file before SQLite opens it for writing, because opening is not
 * harmless: switching a file to WAL rewrites its header and creates {@code -wal} and {@code -shm}
 * beside it, and a migration adds tables. So a directory, a file that is not SQLite, a truncated
 * or damaged file, another application's database and a newer openpista's are refused here, each
 * with one line naming the file, and none of them is changed. The header is read by hand and the
 * table names through an {@code immutable} connection, which writes and locks nothing.
 *
 * <p>Conversations are private: a new file is created readable by its owner only (SQLite gives
 * {@code -wal} and {@code -shm} the mode of the database file), and an existing file of ours is
 * narrowed to that.
 */
final class DatabaseFile {

    /** {@code PRAGMA application_id} of an openpista memory database ("opis"). */
    static final int APPLICATION_ID = 0x6F706973;

    /** What the file holds. */
    enum Kind {
        /** Nothing yet (missing or empty): the schema is created. */
        NEW,
        /** An openpista memory database this version can use. */
        OURS,
        /** The original Rust openpista's memory.db, which is converted. */
        RUST_OPENPISTA
    }

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFile.class);
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 100;
    /** Reads of the tables before a failure counts as damage. */
    private static final int PROBES = 3;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final List<String> SIDE_FILES = List.of("", "-wal", "-shm");

    private DatabaseFile() {}

    /**
     * @param file the database file
     * @return what it holds
     * @throws StoreException naming the file and what is wrong, when openpista must not open it
     */
    static Kind check(Path file) {
        if (Files.isDirectory(file)) {
            throw refused(file, "is a directory; [database] url must name a database file");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            return Kind.NEW;
        }
        if (!Files.isRegularFile(file)) {
            throw refused(file, "is not a regular file; [database] url must name a database file");
        }
        if (!Files.isReadable(file) || !Files.isWritable(file)) {
            throw refused(file, "cannot be " + (Files.isReadable(file) ? "written" : "read")
                    + " by this user (permission denied)");
        }
        long size = size(file);
        if (size == 0) {
            return Kind.NEW;
        }
        ByteBuffer header = header(file, size);
        checkSize(file, size, header);
        int userVersion = header.getInt(60);
        int applicationId = header.getInt(68);
        if (applicationId == APPLICATION_ID) {
            // the header says enough; the tables are read when the schema is checked, and reading
            // them here could race with another process's checkpoint
            if (userVersion > Schema.LATEST) {
                throw refused(file, "was written by a newer openpista (schema " + userVersion + ", this one knows "
                        + Schema.LATEST + "); upgrade openpista or set [database] url to another file");
            }
            return Kind.OURS;
        }
        Contents contents = contents(file);
        if (applicationId == 0) {
            if (contents.tables().isEmpty() && userVersion == 0) {
                return Kind.NEW;
            }
            if (contents.rust()) {
                return Kind.RUST_OPENPISTA;
            }
            // schema 1 came before the application id
            if (userVersion == 1 && contents.schemaOne()) {
                return Kind.OURS;
            }
        }
        throw refused(file, "belongs to another application ("
                + (applicationId == 0 ? "" : "application id 0x" + Integer.toHexString(applicationId) + ", ")
                + (contents.tables().isEmpty() ? "no tables" : "tables: " + String.join(", ", contents.tables()))
                + "); openpista will not modify it; set [database] url to another file");
    }

    /** Creates an empty file readable by its owner only, and its missing folders likewise. */
    static void createPrivate(Path file) {
        Path parent = file.getParent();
        boolean posix = posix(parent == null ? file : nearestExisting(parent));
        if (parent != null) {
            try {
                Files.createDirectories(parent, posix ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER)} : new FileAttribute<?>[0]);
            } catch (IOException | SecurityException e) {
                throw new StoreException("cannot create the folder " + parent + " for the conversation memory " + file
                        + ": " + describe(e), e);
            }
        }
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it a moment ago; the migration checks what it holds
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot create the conversation memory " + file + ": " + describe(e), e);
        }
    }

    /** Narrows the file and its {@code -wal} and {@code -shm} to their owner, where they are wider. */
    static void restrict(Path file) {
        for (String suffix : SIDE_FILES) {
            restrictOne(file.resolveSibling(file.getFileName() + suffix));
        }
    }

    /** Narrows one file to its owner, when it exists on a POSIX file system and is wider. */
    static void restrictOne(Path path) {
        try {
            if (!Files.isRegularFile(path) || !posix(path)) {
                return;
            }
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
            if (!OWNER_ONLY.containsAll(current)) {
                Files.setPosixFilePermissions(path, OWNER_ONLY);
                LOG.info("Conversation memory {} was readable by others; it is now readable by its owner only", path);
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            LOG.warn("Cannot make {} readable by its owner only: {}", path, describe(e));
        }
    }

    private static void checkSize(Path file, long size, ByteBuffer header) {
        int rawPageSize = Short.toUnsignedInt(header.getShort(16));
        int pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw refused(file, "is not a SQLite database (its header is damaged); restore it from a backup or set "
                    + "[database] url to another file");
        }
        long pages = Integer.toUnsignedLong(header.getInt(28));
        // the page count in the header counts only when the change counter vouches for it, and a
        // WAL left by a crash may still hold pages the file lacks
        boolean countValid = pages > 0 && header.getInt(24) == header.getInt(92);
        if (countValid && size < pages * pageSize && !hasWal(file)) {
            throw refused(file, "is truncated (" + size + " bytes, its header says " + pages * pageSize
                    + "); restore it from a backup or set [database] url to another file");
        }
    }

    private static boolean hasWal(Path file) {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        try {
            return Files.isRegularFile(wal) && Files.size(wal) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static ByteBuffer header(Path file, long size) {
        if (size < HEADER) {
            throw refused(file, "is not a SQLite database (" + size + " bytes, shorter than a SQLite header); "
                    + "[database] url must name an openpista memory database");
        }
        byte[] bytes = new byte[HEADER];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(bytes, 0, HEADER) < HEADER) {
                throw refused(file, "is not a SQLite database (it ends inside the SQLite header)");
            }
        } catch (IOException e) {
            throw new StoreException(file + " cannot be read: " + describe(e), e);
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw refused(file, "is not a SQLite database; [database] url must name an openpista memory database");
        }
        return ByteBuffer.wrap(bytes);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StoreException(file + " cannot be read: " + describe(e), e);
        }
    }

    /**
     * What the file holds, as far as telling ours from others' needs.
     *
     * @param tables its tables
     * @param rust whether they are the Rust openpista's
     * @param schemaOne whether they are our schema 1 (which had no application id yet)
     */
    private record Contents(List<String> tables, boolean rust, boolean schemaOne) {}

    private static Contents contents(Path file) {
        return probe(file, connection -> {
            List<String> tables = List.copyOf(Schema.userTables(connection));
            boolean schemaOne = tables.containsAll(List.of("sessions", "messages", "attachments"))
                    && LegacyImport.columns(connection, "messages").contains("seq");
            return new Contents(tables, LegacyImport.isLegacy(connection), schemaOne);
        });
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs a query on a connection that can neither write nor lock the file, nor create files
     * beside it. Without locks it may read pages another process is writing at that moment (a
     * checkpoint), so a failure counts as damage only when it persists.
     */
    private static <T> T probe(Path file, Query<T> query) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = config.createConnection("jdbc:sqlite:" + file.toUri() + "?immutable=1")) {
                return query.run(connection);
            } catch (SQLException e) {
                if (attempt >= PROBES) {
                    throw refused(file, "is damaged (SQLite: " + Database.reason(e) + "); restore it from a backup or "
                            + "set [database] url to another file");
                }
                LOG.debug("Reading the tables of {} failed ({}); trying again", file, Database.reason(e));
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while checking the conversation memory " + file, interrupted);
                }
            }
        }
    }

    private static StoreException refused(Path file, String what) {
        return new StoreException(file + " " + what, null);
    }

    private static Path nearestExisting(Path path) {
        Path current = path.toAbsolutePath();
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current == null ? path : current;
    }

    private static boolean posix(Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static String describe(Exception e) {
        String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                : e instanceof java.nio.file.NotDirectoryException ? "a file is in the way"
                : e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }
}
