package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {

    @TempDir
    Path dir;

    @Test
    void filesOfTheFolderAreServedWithTheirType() throws Exception {
        Path ui = Files.createDirectories(dir.resolve("ui"));
        Files.writeString(ui.resolve("index.html"), "<p>hi</p>");
        Files.writeString(ui.resolve("app.js"), "1");
        StaticFiles files = new StaticFiles(ui, path -> null);
        assertThat(files.find("/").orElseThrow().contentType()).startsWith("text/html");
        assertThat(new String(files.find("/index.html").orElseThrow().bytes())).isEqualTo("<p>hi</p>");
        assertThat(files.find("/app.js").orElseThrow().contentType()).startsWith("text/javascript");
    }

    @Test
    void nothingOutsideTheFolderIsServed() throws Exception {
        Path ui = Files.createDirectories(dir.resolve("ui"));
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.writeString(ui.resolve(".env.txt"), "hidden");
        Files.createSymbolicLink(ui.resolve("link.txt"), dir.resolve("secret.txt"));
        StaticFiles files = new StaticFiles(ui, path -> null);
        assertThat(files.find("/../secret.txt")).isEmpty();
        assertThat(files.find("/link.txt")).as("a link leading out of the folder").isEmpty();
        assertThat(files.find("/.env.txt")).isEmpty();
        assertThat(files.find("/%2e%2e/secret.txt")).isEmpty();
        assertThat(files.find("/secret.exe")).isEmpty();
        assertThat(files.find("//etc/passwd")).isEmpty();
    }

    @Test
    void aMissingFolderIsAProblem() {
        assertThat(new StaticFiles(dir.resolve("nope"), path -> null).problem()).contains("not a folder");
    }
}
