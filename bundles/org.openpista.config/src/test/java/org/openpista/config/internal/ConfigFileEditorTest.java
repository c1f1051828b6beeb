package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileEditorTest {

    @TempDir
    Path dir;

    static String set(String content, String section, String key, String value) {
        return ConfigFileEditorComponent.withValue(content, section, key, value);
    }

    @Test
    void aMissingFileGetsTheSection() {
        assertThat(set("", "channels.web", "token", "abc")).isEqualTo("[channels.web]\ntoken = \"abc\"\n");
    }

    @Test
    void anExistingKeyIsReplacedAndEverythingElseStays() {
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
        assertThat(set(before, "channels.web", "token", "abc")).isEqualTo(before.replace("token = \"\"", "token = \"abc\""));
        assertThat(set(before, "channels.telegram", "token", "x1")).isEqualTo(before.replace("tg-secret", "x1"));
    }

    @Test
    void aSectionWithoutTheKeyGetsItAfterItsLastKey() {
        assertThat(set("[channels.telegram]\nenabled = true\n\n[x]\ny = 2\n", "channels.telegram", "webhook_secret", "s-1"))
                .isEqualTo("[channels.telegram]\nenabled = true\nwebhook_secret = \"s-1\"\n\n[x]\ny = 2\n");
        assertThat(set("[ channels . \"web\" ]  # the chat\n", "channels.web", "token", "abc"))
                .isEqualTo("[ channels . \"web\" ]  # the chat\ntoken = \"abc\"\n");
        // a key of the same name in another section is not the one
        assertThat(set("[agent]\ntoken = \"a\"\n", "channels.web", "token", "b"))
                .isEqualTo("[agent]\ntoken = \"a\"\n\n[channels.web]\ntoken = \"b\"\n");
    }

    @Test
    void otherSpellingsOfTheSectionAreLeftAlone() {
        assertThatThrownBy(() -> set("[channels]\nweb = { port = 1 }\n", "channels.web", "token", "abc"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[channels.web]");
        assertThatThrownBy(() -> set("channels.web.port = 1\n", "channels.web", "token", "abc"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> set("[channels.telegram.extra]\nx = 1\n", "channels.telegram", "webhook_secret", "abc"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void namesAndValuesThatWouldNeedQuotingAreRefused() {
        assertThatThrownBy(() -> set("", "channels.web", "token", "a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set("", "channels.web", "token", "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set("", "channels..web", "token", "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set("", "channels.web", "to ken", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFileIsReplacedWholeAndReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "[agent]\nprovider = \"openai\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path written = new ConfigFileEditorComponent(file).setSecret("channels.web", "token", "0123abcd");
        assertThat(written).isEqualTo(file.toRealPath());
        assertThat(Files.readString(file)).isEqualTo("[agent]\nprovider = \"openai\"\n\n[channels.web]\ntoken = \"0123abcd\"\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void aLinkedFileIsEditedWhereItLivesAndANewOneIsCreatedWithMode600() throws Exception {
        Path real = Files.createDirectories(dir.resolve("dotfiles")).resolve("openpista.toml");
        Files.writeString(real, "# kept in git\n");
        Path link = Files.createSymbolicLink(dir.resolve("config.toml"), real);
        new ConfigFileEditorComponent(link).setSecret("channels.telegram", "webhook_secret", "feed");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("# kept in git\n\n[channels.telegram]\nwebhook_secret = \"feed\"\n");

        Path fresh = dir.resolve("home/config.toml");
        new ConfigFileEditorComponent(fresh).setSecret("channels.web", "token", "feed");
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aSectionIsRemovedWithItsSubTablesAndCommentsAndTheRestStays() throws Exception {
        String before = """
                [agent]
                provider = "openai"

                # my file server
                [mcp.servers.files]
                command = "npx"
                args = ["-y", "x"]
                [mcp.servers.files.env]
                A = "1"

                [mcp.servers.filesystem]
                command = "other"
                """;
        String after = ConfigFileEditorComponent.withoutSection(before, "mcp.servers.files");

        assertThat(after).isEqualTo("""
                [agent]
                provider = "openai"

                [mcp.servers.filesystem]
                command = "other"
                """);
        assertThat(ConfigFileEditorComponent.withoutSection(after, "mcp.servers.files")).isEqualTo(after);

        Path file = dir.resolve("config.toml");
        Files.writeString(file, before);
        ConfigFileEditorComponent editor = new ConfigFileEditorComponent(file);
        assertThat(editor.removeSection("mcp.servers.files")).isTrue();
        assertThat(editor.removeSection("mcp.servers.files")).isFalse();
        assertThat(Files.readString(file)).isEqualTo(after);
        assertThatThrownBy(() -> editor.removeSection("a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
