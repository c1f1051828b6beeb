package org.openpista.upgrade.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * The snapshots of a home in {@code backups/}, oldest first. A snapshot is written into a hidden
 * folder and renamed when complete, so a half-written one (a full disk, a crash) never counts. The
 * database is copied with SQLite's {@code VACUUM INTO}, a consistent copy even while another process
 * writes to it; everything is owner-only (folders 700, files 600) like the home itself.
 */
final class Snapshots {

    private static final DateTimeFormatter NAME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    Snapshots(Path dir) {
        this.dir = dir;
    }

    /**
     * Takes a snapshot of the files that exist.
     *
     * @param facts what to note about it (reason, versions); the copied files are added
     * @return the snapshot
     * @throws IOException when it could not be completed (nothing is left behind then)
     */
    Snapshot take(HomeFiles files, Properties facts) throws IOException {
        PrivateFiles.folder(dir);
        String name = freeName(Instant.now());
        Path partial = dir.resolve("." + name + ".partial");
        PrivateFiles.folder(partial);
        try {
            List<String> copied = new ArrayList<>();
            if (Files.isRegularFile(files.config())) {
                PrivateFiles.copy(files.config(), partial.resolve(Snapshot.CONFIG));
                copied.add(Snapshot.CONFIG);
            }
            if (Files.isRegularFile(files.credentials())) {
                PrivateFiles.copy(files.credentials(), partial.resolve(Snapshot.CREDENTIALS));
                copied.add(Snapshot.CREDENTIALS);
            }
            if (Files.isRegularFile(files.database()) && Files.size(files.database()) > 0) {
                copyDatabase(files.database(), partial.resolve(Snapshot.DATABASE));
                copied.add(Snapshot.DATABASE);
            }
            Properties all = new Properties();
            all.putAll(facts);
            all.setProperty("created", Instant.now().toString());
            all.setProperty("files", String.join(",", copied));
            all.setProperty("config", files.config().toString());
            all.setProperty("database", files.database().toString());
            PrivateFiles.write(partial.resolve(Snapshot.FACTS), all, "openpista snapshot");
            Path done = dir.resolve(name);
            Files.move(partial, done);
            return new Snapshot(done, all);
        } catch (IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
    }

    /** @return the complete snapshots, oldest first */
    List<Snapshot> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Snapshot> snapshots = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted(Comparator.comparing(Path::toString)).toList()) {
                if (!child.getFileName().toString().startsWith(".") && Files.isRegularFile(child.resolve(Snapshot.FACTS))) {
                    snapshots.add(new Snapshot(child, PrivateFiles.read(child.resolve(Snapshot.FACTS))));
                }
            }
        }
        return snapshots;
    }

    /** @return the newest snapshot, or the one of that name */
    Optional<Snapshot> find(String name) throws IOException {
        List<Snapshot> all = list();
        if (name == null) {
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }
        return all.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Deletes the oldest snapshots beyond a number.
     *
     * @return the deleted folders
     */
    List<Path> prune(int keep) throws IOException {
        List<Snapshot> all = list();
        List<Path> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - Math.max(1, keep); i++) {
            deleteTree(all.get(i).dir());
            deleted.add(all.get(i).dir());
        }
        return deleted;
    }

    private String freeName(Instant now) {
        String base = NAME.format(now);
        String name = base;
        for (int i = 2; Files.exists(dir.resolve(name)); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /** A consistent copy of a SQLite file, read-only on the source. */
    static void copyDatabase(Path database, Path copy) throws IOException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement()) {
            statement.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IOException("cannot copy the database " + database + ": " + e.getMessage(), e);
        }
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
