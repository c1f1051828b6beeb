package org.openpista.upgrade.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/** Owner-only files and folders, written whole: a reader never sees half of one. */
final class PrivateFiles {

    private PrivateFiles() {}

    /** Creates a folder (and its parents) readable by its owner only, or narrows an existing one. */
    static Path folder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Copies a file to a new owner-only file. */
    static void copy(Path from, Path to) throws IOException {
        Path temporary = temporary(to);
        try {
            Files.copy(from, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            replace(temporary, to);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Writes properties to an owner-only file. */
    static void write(Path file, Properties properties, String comment) throws IOException {
        StringWriter text = new StringWriter();
        properties.store(text, comment);
        Path temporary = temporary(file);
        try {
            Files.writeString(temporary, text.toString(), StandardCharsets.ISO_8859_1);
            replace(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** @return the properties of a file, empty when it does not exist */
    static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                properties.load(in);
            }
        }
        return properties;
    }

    /** An owner-only empty file beside the target, for a write that ends in {@link #replace}. */
    static Path temporary(Path target) throws IOException {
        return Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /** Moves a finished file over its target in one step. */
    static void replace(Path finished, Path target) throws IOException {
        try {
            Files.move(finished, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(finished, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
