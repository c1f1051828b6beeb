package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;

class CredentialFileTest {

    @TempDir
    Path home;

    Path file() {
        return home.resolve("credentials.toml");
    }

    @Test
    void aNewFileIsCreatedWithModeSixHundred() throws Exception {
        new CredentialFile(file()).write(Map.of("together", StoredLogin.key("sk-together-123456", "")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
    }

    @Test
    void aFileOthersCanReadIsRefusedWithTheCommandThatFixesIt() throws Exception {
        new CredentialFile(file()).write(Map.of("together", StoredLogin.key("sk-together-123456", "")));
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> new CredentialFile(file()).read())
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("mode 644")
                .hasMessageContaining("chmod 600 " + file())
                .hasMessageNotContaining("sk-together");
    }

    @Test
    void roundTripKeepsEveryFieldAndQuotesWhatTomlNeedsQuoted() throws Exception {
        Map<String, StoredLogin> logins = new LinkedHashMap<>();
        logins.put("openai", new StoredLogin(AuthMethod.OAUTH, "", "tok\"with\\quote", "rt-1", "id.token.x",
                Instant.parse("2031-02-03T04:05:06Z"), "ada@example.test", "acct-1", ""));
        logins.put("azure-openai", StoredLogin.key("k-123", "https://me.openai.azure.com"));
        logins.put("odd name", StoredLogin.key("k\nline", ""));
        CredentialFile credentials = new CredentialFile(file());

        credentials.write(logins);

        assertThat(credentials.read()).isEqualTo(logins);
        assertThat(Files.readString(file())).startsWith("# openpista credentials").contains("[\"odd name\"]");
    }

    @Test
    void aMissingFileIsNoLogins() throws Exception {
        assertThat(new CredentialFile(file()).read()).isEmpty();
    }

    @Test
    void readsTheOriginalOpenpistaFormat() throws Exception {
        Files.writeString(file(), """
                [openai]
                access_token = "sk-exchanged"
                refresh_token = "rt"
                id_token = "a.b.c"
                expires_at = "2030-05-01T10:00:00.123456Z"

                [together]
                access_token = "tk-typed"
                """);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));

        Map<String, StoredLogin> logins = new CredentialFile(file()).read();

        assertThat(logins.get("openai").method()).isEqualTo(AuthMethod.OAUTH);
        assertThat(logins.get("openai").expiresAt()).isEqualTo(Instant.parse("2030-05-01T10:00:00.123456Z"));
        assertThat(logins.get("together").method()).isEqualTo(AuthMethod.API_KEY);
        assertThat(logins.get("together").apiKey()).isEqualTo("tk-typed");
    }

    @Test
    void malformedTomlNamesFileAndLineButNotTheText() throws Exception {
        Files.writeString(file(), "[openai]\napi_key = sk-secret-unquoted-999\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> new CredentialFile(file()).read())
                .hasMessageContaining(file() + ":2")
                .hasMessageNotContaining("sk-secret");
    }

    @Test
    void aFailureBetweenTemporaryFileAndRenameLeavesTheOldFileAndNoTemporary() throws Exception {
        new CredentialFile(file()).write(Map.of("together", StoredLogin.key("sk-old-000000", "")));
        String before = Files.readString(file());

        CredentialFile failing = new CredentialFile(file(), temporary -> {
            assertThat(Files.readString(temporary)).contains("sk-new-111111");
            throw new IOException("disk pulled out");
        });

        assertThatThrownBy(() -> failing.write(Map.of("together", StoredLogin.key("sk-new-111111", ""))))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("disk pulled out")
                .hasMessageContaining("unchanged")
                .hasMessageNotContaining("sk-new");
        assertThat(Files.readString(file())).isEqualTo(before);
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void aProcessKilledBetweenTemporaryFileAndRenameLeavesTheOldFileIntact() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), file().toString())
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isEqualTo(137);
        assertThat(output).contains("temporary written").doesNotContain("not reached");
        assertThat(temporaries()).as("the dead writer's temporary file").hasSize(1);
        Map<String, StoredLogin> logins = new CredentialFile(file()).read();
        assertThat(logins.get("together").apiKey()).isEqualTo("sk-old-key-000000");
        assertThat(logins.get("openai").accessToken()).isEqualTo("at-sk-old-key-000000");

        new CredentialFile(file()).write(logins);
        assertThat(temporaries()).as("leftovers are removed by the next write").isEmpty();
    }

    @Test
    void lockedCyclesDoNotLoseUpdatesBetweenThreads() throws Exception {
        CredentialFile credentials = new CredentialFile(file());
        List<Thread> threads = Stream.of("a", "b", "c", "d", "e", "f").map(name -> new Thread(() -> {
            try {
                credentials.locked(() -> {
                    Map<String, StoredLogin> logins = credentials.read();
                    logins.put(name, StoredLogin.key("key-" + name + "-123", ""));
                    credentials.write(logins);
                    return null;
                });
            } catch (AuthException e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(credentials.read()).containsOnlyKeys("a", "b", "c", "d", "e", "f");
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
