package org.openpista.channel.whatsapp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.pairing.QrCode;

/** The pieces: splitting, allowlist, signatures, protocol lines, the first-use installer, QR rendering. */
class SmallPartsTest {

    @TempDir
    Path dir;

    @Test
    void splittingPrefersParagraphsThenLinesThenSpacesAndNeverBreaksASurrogatePair() {
        assertThat(TextSplitter.split("short")).containsExactly("short");
        assertThat(TextSplitter.split("   ")).isEmpty();
        assertThat(TextSplitter.split("aaaa bbbb\n\ncccc dddd", 12)).containsExactly("aaaa bbbb", "cccc dddd");
        assertThat(TextSplitter.split("aaaa\nbbbb cccc", 12)).containsExactly("aaaa\nbbbb", "cccc");
        assertThat(TextSplitter.split("aaaaaaa\nbbbb cccc", 12)).containsExactly("aaaaaaa", "bbbb cccc");
        assertThat(TextSplitter.split("aaaaaa bbbbbb", 10)).containsExactly("aaaaaa", "bbbbbb");
        String emoji = "😀".repeat(10);
        List<String> parts = TextSplitter.split(emoji, 5);
        assertThat(String.join("", parts)).isEqualTo(emoji);
        assertThat(parts).allSatisfy(part -> assertThat(Character.isHighSurrogate(part.charAt(part.length() - 1))).isFalse());
    }

    @Test
    void theAllowlistComparesDigitsAndKnowsTheWildcard() {
        Allowlist list = Allowlist.of(List.of("+49 (170) 000-0001", " 15551234567 "));
        assertThat(list.allows("491700000001")).isTrue();
        assertThat(list.allows("491700000001:4@s.whatsapp.net")).isTrue();
        assertThat(list.allows("15551234567@s.whatsapp.net")).isTrue();
        assertThat(list.allows("4900000000")).isFalse();
        assertThat(list.allows("4900000000")).isFalse();
        assertThat(Allowlist.of(List.of()).isEmpty()).isTrue();
        assertThat(Allowlist.of(List.of("*")).allows("123")).isTrue();
        assertThat(Allowlist.mask("4915112345678")).isEqualTo("…5678");
    }

    @Test
    void signaturesAreTheHmacOfTheRawBody() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSignature.sign(body, "secret");

        assertThat(header).startsWith("sha256=").hasSize(7 + 64);
        assertThat(WebhookSignature.valid(body, header, "secret")).isTrue();
        assertThat(WebhookSignature.valid(body, header.toUpperCase().replace("SHA256=", "sha256="), "secret")).isTrue();
        assertThat(WebhookSignature.valid(body, header, "other")).isFalse();
        assertThat(WebhookSignature.valid(body, null, "secret")).isFalse();
        assertThat(WebhookSignature.valid(body, header, "")).isFalse();
        assertThat(WebhookSignature.valid(body, "sha256=abc", "secret")).isFalse();
    }

    @Test
    void protocolLinesAreReadStrictlyAndWrittenAsOneLine() throws Exception {
        BridgeLines lines = new BridgeLines();
        assertThat(lines.parse("{\"type\":\"connected\",\"phone\":\"49\",\"name\":null}"))
                .isEqualTo(new BridgeEvent.Connected("49", "", false));
        assertThat(lines.parse("{\"type\":\"connected\",\"phone\":\"49\",\"name\":\"Ada\",\"confirms\":true}"))
                .isEqualTo(new BridgeEvent.Connected("49", "Ada", true));
        assertThat(lines.parse("{\"type\":\"error\",\"message\":\"x\",\"ref\":7}")).isEqualTo(new BridgeEvent.Error("x", "7"));
        assertThat(lines.parse("{\"type\":\"new-thing\"}")).isEqualTo(new BridgeEvent.Unknown("new-thing"));
        assertThatThrownBy(() -> lines.parse("{\"type\":\"qr\"}")).isInstanceOf(BridgeLines.MalformedLine.class);
        assertThatThrownBy(() -> lines.parse("{\"type\":\"message\",\"from\":\"1\"}")).isInstanceOf(BridgeLines.MalformedLine.class);
        assertThatThrownBy(() -> lines.parse("{\"type\":5}")).isInstanceOf(BridgeLines.MalformedLine.class);
        assertThat(lines.send("49", "two\nlines \"quoted\"", "r1"))
                .isEqualTo("{\"type\":\"send\",\"to\":\"49\",\"text\":\"two\\nlines \\\"quoted\\\"\",\"ref\":\"r1\"}");
    }

    @Test
    void theCommandRunsJavaScriptWithNodeAndAnythingElseDirectly() throws Exception {
        Path session = dir.resolve("s");
        assertThat(BridgeSupervisor.commandFor(Path.of("/opt/b/index.js"), session))
                .containsExactly("node", "/opt/b/index.js", session.toString());
        assertThat(BridgeSupervisor.commandFor(dir, session)).containsExactly("node", dir.resolve("index.js").toString(),
                session.toString());
        assertThat(BridgeSupervisor.commandFor(Path.of("/usr/local/bin/my-bridge"), session))
                .containsExactly("/usr/local/bin/my-bridge", session.toString());
    }

    @Test
    void theInstallerRunsNpmCiOnceAndAgainWhenTheLockFileChanges() throws Exception {
        Path bridge = Files.createDirectories(dir.resolve("bridge"));
        Files.writeString(bridge.resolve("index.js"), "");
        Files.writeString(bridge.resolve("package.json"), "{}");
        Files.writeString(bridge.resolve("package-lock.json"), "{\"v\":1}");
        Path log = dir.resolve("npm.log");
        Path npm = script("fake-npm", "#!/bin/sh\necho \"$PWD $*\" >> " + log + "\n"
                + "mkdir -p node_modules/@whiskeysockets/baileys && echo '{}' > node_modules/@whiskeysockets/baileys/package.json\n");
        BridgeInstaller installer = new BridgeInstaller(bridge.resolve("index.js"), List.of(npm.toString()));

        installer.ensureInstalled();
        installer.ensureInstalled();
        assertThat(Files.readAllLines(log)).containsExactly(bridge + " ci --omit=dev --ignore-scripts --no-audit --no-fund");
        assertThat(bridge.resolve("node_modules/" + BridgeInstaller.STAMP)).exists();

        Files.writeString(bridge.resolve("package-lock.json"), "{\"v\":2}");
        installer.ensureInstalled();
        assertThat(Files.readAllLines(log)).hasSize(2);
    }

    @Test
    void aFailingInstallSaysWhatNpmSaid() throws Exception {
        Path bridge = Files.createDirectories(dir.resolve("bridge"));
        Files.writeString(bridge.resolve("package.json"), "{}");
        Files.writeString(bridge.resolve("package-lock.json"), "{}");
        Path npm = script("failing-npm", "#!/bin/sh\necho 'npm error code E404'\necho 'npm error A complete log of this run can be found in: /x'\nexit 1\n");

        assertThatThrownBy(() -> new BridgeInstaller(bridge.resolve("index.js"), List.of(npm.toString())).ensureInstalled())
                .hasMessageContaining("status 1").hasMessageContaining("npm error code E404");
        assertThatThrownBy(() -> new BridgeInstaller(bridge.resolve("index.js"), List.of(dir.resolve("none").toString()))
                .ensureInstalled()).hasMessageContaining("Node.js 20");
    }

    @Test
    void thePairedNumberComesFromTheStoredCredentials() throws Exception {
        Path session = Files.createDirectories(dir.resolve("session"));
        WhatsAppSettings settings = WhatsAppSettings.from(CloudWebhookTest.config("bridge", session.toString(), ""), dir, null);
        assertThat(settings.pairedNumber()).isNull();

        Files.writeString(session.resolve("creds.json"), "{\"noiseKey\":{},\"me\":{\"id\":\"4915112345678:12@s.whatsapp.net\","
                + "\"name\":\"Ada\"},\"account\":{}}");
        assertThat(settings.pairedNumber()).isEqualTo("4915112345678");
    }

    @Test
    void numbersForTheAllowListAreDigitsEachOnce() {
        assertThat(WhatsAppCommand.numbers(List.of("+49 170 1", "49-170-1", "(0)30 5"))).containsExactly("491701", "0305");
        assertThat(WhatsAppCommand.numbers(List.of("+49", "friend"))).isNull();
    }

    @Test
    void aBridgeWithoutPackageJsonNeedsNoInstall() throws Exception {
        new BridgeInstaller(dir.resolve("my-bridge"), List.of("/nonexistent/npm")).ensureInstalled();
    }

    @Test
    void aBridgeOfTheUsersOwnIsCheckedNeverInstalled() throws Exception {
        // a copy of the shipped bridge elsewhere: package.json and lock file, no node_modules
        Path own = Files.createDirectories(dir.resolve("my-copy"));
        Files.writeString(own.resolve("index.js"), "");
        Files.writeString(own.resolve("package.json"), "{\"dependencies\":{\"@whiskeysockets/baileys\":\"7.0.0-rc14\"}}");
        Files.writeString(own.resolve("package-lock.json"), "{}");
        BridgeInstaller installer = BridgeInstaller.forBridge(own.resolve("index.js"), false);

        assertThatThrownBy(installer::ensureInstalled).hasMessageContaining("has no node_modules in " + own)
                .hasMessageContaining("yours to prepare").hasMessageContaining("npm ci");
        try (var files = Files.list(own)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("index.js",
                    "package.json", "package-lock.json");
        }

        // prepared by its owner: it runs as it is, and is not touched
        Files.createDirectories(own.resolve("node_modules"));
        installer.ensureInstalled();
        assertThat(own.resolve("node_modules/" + BridgeInstaller.STAMP)).doesNotExist();

        // a package of its own without dependencies needs no node_modules
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("package.json"), "{\"type\":\"module\"}");
        BridgeInstaller.forBridge(plain.resolve("index.js"), false).ensureInstalled();
    }

    @Test
    void theTerminalDrawingHasAQuietZoneAndTwoRowsPerLine() {
        QrCode code = QrEncoder.encode("2@hello,world");
        String drawing = code.toTerminal();
        List<String> lines = drawing.lines().toList();

        assertThat(code.size()).isEqualTo(21);
        assertThat(lines).hasSize((21 + 4 + 1) / 2);
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSize(21 + 4));
        assertThat(lines.get(0)).isEqualTo("█".repeat(25));
        assertThatThrownBy(() -> new QrCode("x", List.of("10", "1"))).isInstanceOf(IllegalArgumentException.class);
    }

    private Path script(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
