package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileGetsTheSection() {
        assertThat(TokenFile.withToken("", "abc")).isEqualTo("[channels.web]\ntoken = \"abc\"\n");
    }

    @Test
    void anExistingSectionGetsTheLineAndEverythingElseStays() {
        String before = """
                # settings
                [agent]
                provider = "openai" # mine

                [channels.web]
                port = 4000   # moved
                token = ""

                [channels.telegram]
                token = "tg-secret"
                """;
        String after = TokenFile.withToken(before, "abc");
        assertThat(after).isEqualTo(before.replace("token = \"\"", "token = \"abc\""));
    }

    @Test
    void aSectionWithoutTokenGetsOneRightAfterItsHeader() {
        assertThat(TokenFile.withToken("[channels.web]\nport = 1\n[x]\ny = 2\n", "abc"))
                .isEqualTo("[channels.web]\ntoken = \"abc\"\nport = 1\n[x]\ny = 2\n");
    }

    @Test
    void otherSpellingsOfTheSectionAreLeftAlone() {
        assertThatThrownBy(() -> TokenFile.withToken("[channels]\nweb = { port = 1 }\n", "abc"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TokenFile.withToken("channels.web.port = 1\n", "abc"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theFileIsReplacedWholeAndReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "[agent]\nprovider = \"openai\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        TokenFile.save(file, "0123abcd");
        assertThat(Files.readString(file)).isEqualTo("[agent]\nprovider = \"openai\"\n\n[channels.web]\ntoken = \"0123abcd\"\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void aNewFileIsCreatedWithMode600() throws Exception {
        Path file = dir.resolve("home/config.toml");
        TokenFile.save(file, "feed");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
}
