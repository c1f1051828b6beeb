package org.openpista.auth.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link CredentialFileTest}: writes a credentials file with one key, then
 * writes it again with another key and dies (halt, no shutdown hooks, like a kill -9) between
 * writing the temporary file and renaming it.
 */
public final class CrashingWriter {

    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        new CredentialFile(file).write(logins("sk-old-key-000000"));
        new CredentialFile(file, temporary -> {
            System.out.println("temporary written: " + temporary.getFileName());
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }).write(logins("sk-new-key-111111"));
        System.out.println("not reached");
    }

    private static Map<String, StoredLogin> logins(String key) {
        Map<String, StoredLogin> logins = new LinkedHashMap<>();
        logins.put("together", StoredLogin.key(key, ""));
        logins.put("openai", new StoredLogin(org.openpista.api.auth.AuthMethod.OAUTH, "", "at-" + key, "rt", "",
                Instant.parse("2030-01-01T00:00:00Z"), "ada@example.test", "acct", ""));
        return logins;
    }
}
