package org.openpista.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.OptionalInt;
import org.sqlite.SQLiteConfig;

/**
 * The schema version of a SQLite file, read from its header ({@code PRAGMA user_version} is the
 * big-endian integer at offset 60) without opening it: the check must neither lock nor change the
 * file. While a process has it open in WAL mode, the newest header may still be in the {@code -wal}
 * file; then SQLite itself is asked, through a read-only connection.
 */
final class DatabaseHeader {

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int SIZE = 100;

    private DatabaseHeader() {}

    /**
     * @return the file's {@code user_version}; empty when there is no file yet or it is empty
     * @throws IOException when it cannot be read or is no SQLite file
     */
    static OptionalInt userVersion(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return OptionalInt.empty();
        }
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(SIZE);
        }
        if (header.length < SIZE || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw new IOException(file + " is no SQLite database");
        }
        Path wal = Path.of(file + "-wal");
        if (Files.isRegularFile(wal) && Files.size(wal) > 0) {
            return OptionalInt.of(query(file));
        }
        return OptionalInt.of(ByteBuffer.wrap(header).getInt(60));
    }

    private static int query(Path file) throws IOException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        } catch (SQLException e) {
            throw new IOException("cannot read the schema version of " + file + ": " + e.getMessage(), e);
        }
    }
}
