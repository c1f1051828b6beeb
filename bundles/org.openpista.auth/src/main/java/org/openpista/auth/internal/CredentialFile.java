package org.openpista.auth.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;

/**
 * {@code credentials.toml}: read, written and locked. Its values are never logged and never part
 * of a message.
 *
 * <p>The file is created with mode 600 and refused when others may read or write it. A write goes
 * to a temporary file in the same folder (created with mode 600), is forced to disk, and then
 * renamed over the file with an atomic move, after which the folder is forced too; a crash at any
 * point leaves either the old or the new file, never a mix. Read-modify-write cycles run under
 * {@link #locked(IoAction)}, which also excludes other openpista processes (a lock file beside
 * the credentials), so a daemon and a command refreshing at once do not lose a rotated token.
 */
final class CredentialFile {

    /** Called between writing the temporary file and renaming it; a test seam for crashes. */
    @FunctionalInterface
    interface Hook {
        void beforeRename(Path temporary) throws IOException;
    }

    /** Work done while holding the lock. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws AuthException;
    }

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String HEADER = "# openpista credentials, written by `openpista auth login`.\n"
            + "# Secrets: keep this file private (mode 600); openpista refuses it when others can read it.\n";

    private final Path file;
    private final Hook hook;
    private final ReentrantLock processLock = new ReentrantLock();

    CredentialFile(Path file) {
        this(file, temporary -> {});
    }

    CredentialFile(Path file, Hook hook) {
        this.file = file.toAbsolutePath().normalize();
        this.hook = hook;
    }

    Path path() {
        return file;
    }

    /**
     * @return the logins by name, in file order; empty when the file does not exist
     * @throws AuthException when others can read the file, or it cannot be read or parsed
     */
    Map<String, StoredLogin> read() throws AuthException {
        String text;
        try {
            checkPrivate();
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new AuthException("cannot read " + file + ": " + describe(e), e);
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String line = at == null || at.getLineNr() <= 0 ? "" : ":" + at.getLineNr();
            // the parser's message may quote the text at fault, which may be a secret: leave it out
            throw new AuthException(file + line + ": not valid TOML; fix it or delete the file and log in again");
        }
        Map<String, StoredLogin> logins = new LinkedHashMap<>();
        if (root == null) {
            return logins;
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getValue().isObject()) {
                throw new AuthException(file + ": " + entry.getKey() + " is not a table [" + entry.getKey() + "]");
            }
            logins.put(entry.getKey(), login(entry.getKey(), entry.getValue()));
        }
        return logins;
    }

    /**
     * Replaces the file with these logins, atomically.
     *
     * @throws AuthException when it cannot be written; the old file is then unchanged
     */
    void write(Map<String, StoredLogin> logins) throws AuthException {
        byte[] content = render(logins).getBytes(StandardCharsets.UTF_8);
        Path folder = file.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(folder);
            removeLeftovers(folder);
            temporary = Files.createTempFile(folder, file.getFileName() + ".", ".tmp", ownerOnly(folder));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            hook.beforeRename(temporary);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            forceFolder(folder);
        } catch (IOException e) {
            throw new AuthException("cannot write " + file + ": " + describe(e) + " (the previous file is unchanged)", e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a leftover temporary file is removed by the next write
                }
            }
        }
    }

    /**
     * Runs a read-modify-write cycle while no other thread or openpista process writes the file.
     */
    <T> T locked(IoAction<T> action) throws AuthException {
        processLock.lock();
        try {
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try {
                Files.createDirectories(file.getParent());
                if (!Files.exists(lockFile)) {
                    try {
                        Files.createFile(lockFile, ownerOnly(file.getParent()));
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // another process created it first
                    }
                }
            } catch (IOException e) {
                throw new AuthException("cannot create " + lockFile + ": " + describe(e), e);
            }
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new AuthException("cannot lock " + lockFile + ": " + describe(e), e);
            }
        } finally {
            processLock.unlock();
        }
    }

    /** @throws AuthException when group or others may read or write the file */
    private void checkPrivate() throws IOException, AuthException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException notPosix) {
            return;
        }
        Set<PosixFilePermission> shared = EnumSet.noneOf(PosixFilePermission.class);
        shared.addAll(permissions);
        shared.retainAll(OTHERS);
        if (!shared.isEmpty()) {
            throw new AuthException(file + " can be read or changed by other users (mode " + mode(permissions)
                    + "); openpista does not use it until you run: chmod 600 " + file);
        }
    }

    private static StoredLogin login(String name, JsonNode table) throws AuthException {
        String apiKey = text(table, "api_key");
        String accessToken = text(table, "access_token");
        String refreshToken = text(table, "refresh_token");
        String idToken = text(table, "id_token");
        String methodText = text(table, "method").toLowerCase(Locale.ROOT);
        AuthMethod method;
        switch (methodText) {
            case "oauth" -> method = AuthMethod.OAUTH;
            case "api_key" -> method = AuthMethod.API_KEY;
            case "" -> {
                // files of the original openpista have no method: an access_token without anything
                // to refresh it was a typed-in key
                boolean oauth = !refreshToken.isEmpty() || !idToken.isEmpty() || table.has("expires_at");
                method = oauth ? AuthMethod.OAUTH : AuthMethod.API_KEY;
                if (!oauth && apiKey.isEmpty()) {
                    apiKey = accessToken;
                    accessToken = "";
                }
            }
            default -> throw new AuthException("[" + name + "] method: expected \"oauth\" or \"api_key\"");
        }
        Instant expires = null;
        String expiresText = text(table, "expires_at");
        if (!expiresText.isEmpty()) {
            try {
                expires = java.time.OffsetDateTime.parse(expiresText).toInstant();
            } catch (DateTimeParseException e) {
                throw new AuthException("[" + name + "] expires_at: expected an RFC 3339 time such as 2026-01-31T12:00:00Z");
            }
        }
        return new StoredLogin(method, apiKey, accessToken, refreshToken, idToken, expires, text(table, "account"),
                text(table, "account_id"), text(table, "endpoint"));
    }

    private static String text(JsonNode table, String key) {
        JsonNode value = table.get(key);
        return value == null || value.isNull() ? "" : value.asText().strip();
    }

    /** @return the file's content: a header and one table per login, non-empty keys only */
    static String render(Map<String, StoredLogin> logins) {
        StringBuilder toml = new StringBuilder(HEADER);
        for (Map.Entry<String, StoredLogin> entry : logins.entrySet()) {
            StoredLogin login = entry.getValue();
            toml.append('\n').append('[').append(key(entry.getKey())).append("]\n");
            line(toml, "method", login.method().wireName());
            line(toml, "api_key", login.apiKey());
            line(toml, "access_token", login.accessToken());
            line(toml, "refresh_token", login.refreshToken());
            line(toml, "id_token", login.idToken());
            line(toml, "expires_at", login.expiresAt() == null ? "" : login.expiresAt().toString());
            line(toml, "account", login.account());
            line(toml, "account_id", login.accountId());
            line(toml, "endpoint", login.endpoint());
        }
        return toml.toString();
    }

    private static void line(StringBuilder toml, String key, String value) {
        if (!value.isEmpty()) {
            toml.append(key).append(" = ").append(quote(value)).append('\n');
        }
    }

    private static String key(String name) {
        return BARE_KEY.matcher(name).matches() ? name : quote(name);
    }

    /** @return a TOML basic string */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04X", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Removes temporary files a crashed write left behind; called under the lock, so none is in use. */
    private void removeLeftovers(Path folder) {
        String prefix = file.getFileName() + ".";
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, prefix + "*.tmp")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException ignored) {
            // only tidying up
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path folder) {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    private static void forceFolder(Path folder) {
        // makes the rename itself durable; not every platform can open a folder for this
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // the rename is atomic either way; only its durability across power loss is at stake
        }
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%03o", mode);
    }

    private static String describe(IOException e) {
        String what = e.getClass().getSimpleName();
        return e.getMessage() == null ? what : e.getMessage().replaceAll("\\s+", " ") + " (" + what + ")";
    }
}
