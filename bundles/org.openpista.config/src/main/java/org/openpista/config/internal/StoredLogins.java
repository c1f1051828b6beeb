package org.openpista.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which logins {@code $OPENPISTA_HOME/credentials.toml} holds, so a provider without a configured
 * key is not reported as unusable when {@code openpista auth login} stored one. Only the names of
 * the tables with something to authenticate with are kept; no value is read into memory beyond the
 * parse, and none is ever logged. The file itself belongs to the auth bundle, which also refreshes
 * its tokens.
 *
 * @param names the logins with a key or token
 * @param problem why the file cannot be used (readable by others, malformed), or empty
 */
record StoredLogins(Set<String> names, String problem) {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    StoredLogins {
        names = Set.copyOf(names);
    }

    /** @return whether a usable login of this name is stored */
    boolean has(String login) {
        return names.contains(login);
    }

    /** @return the logins in {@code home/credentials.toml}; none when it is absent or unusable */
    static StoredLogins in(Path home) {
        Path file = home.resolve("credentials.toml");
        try {
            try {
                Set<PosixFilePermission> shared = EnumSet.copyOf(Files.getPosixFilePermissions(file));
                shared.retainAll(OTHERS);
                if (!shared.isEmpty()) {
                    return new StoredLogins(Set.of(), file + " can be read or changed by other users; openpista does not use"
                            + " it until you run: chmod 600 " + file);
                }
            } catch (UnsupportedOperationException notPosix) {
                // nothing to check on this file system
            }
            JsonNode root = new TomlMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            Set<String> names = new HashSet<>();
            if (root != null) {
                for (Map.Entry<String, JsonNode> table : root.properties()) {
                    JsonNode login = table.getValue();
                    if (!login.path("api_key").asText("").isBlank() || !login.path("access_token").asText("").isBlank()) {
                        names.add(table.getKey());
                    }
                }
            }
            return new StoredLogins(names, "");
        } catch (NoSuchFileException e) {
            return new StoredLogins(Set.of(), "");
        } catch (IOException e) {
            // the parser's message may quote a secret: name the file only
            return new StoredLogins(Set.of(), file + " cannot be read as TOML; fix it, or delete it and log in again");
        }
    }
}
