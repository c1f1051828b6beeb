package org.openpista.onboard.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Keeps a copy of {@code config.toml} before onboarding changes it: {@code
 * config.toml.bak-YYYYMMDD-HHMMSS} beside it, readable by its owner only (the file may hold keys),
 * never replacing an earlier backup.
 */
final class ConfigBackup {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ConfigBackup() {}

    /**
     * @param file the configuration file
     * @param now the time the backup's name tells
     * @return the backup, or empty when there is no file to keep
     * @throws IOException when the copy cannot be written
     */
    static Optional<Path> keep(Path file, LocalDateTime now) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] content = Files.readAllBytes(file);
        String name = file.getFileName() + ".bak-" + STAMP.format(now);
        for (int attempt = 0; ; attempt++) {
            Path backup = file.resolveSibling(attempt == 0 ? name : name + "-" + attempt);
            try {
                Files.createFile(backup, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException taken) {
                continue;
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(backup);
            }
            Files.write(backup, content);
            return Optional.of(backup);
        }
    }
}
