package org.openpista.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The schema version of a SQLite file, read from its header ({@code PRAGMA user_version} is the
 * big-endian integer at offset 60) without opening it: the check must neither lock nor change the
 * file, and works while a daemon holds it.
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
        return OptionalInt.of(ByteBuffer.wrap(header).getInt(60));
    }
}
