package org.openpista.skills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.skill.SkillException;
import org.openpista.testkit.TraversalPayloads;

class ArchiveInstallerTest {

    static final String SKILL_MD = "---\nname: demo\ndescription: A demo skill.\n---\nDo demo things.\n";
    static final String SECRET = "SENTINEL-SECRET-0815";

    @TempDir
    Path root;

    Path skills;
    final ArchiveInstaller installer = new ArchiveInstaller();

    @BeforeEach
    void setUp() throws IOException {
        skills = Files.createDirectories(root.resolve("home/skills"));
        Files.writeString(root.resolve("secret.txt"), SECRET);
    }

    @Test
    void installsASkillFromATopFolderAndRefusesToReplaceUnlessAsked() throws Exception {
        Path zip = zip("demo.zip", entries("demo/SKILL.md", SKILL_MD, "demo/run.sh", "echo hi\n", "demo/lib/util.sh", "x\n"));

        Skill skill = installer.install(zip, skills, false);

        assertThat(skill.name()).isEqualTo("demo");
        assertThat(skills.resolve("demo/SKILL.md")).hasContent(SKILL_MD);
        assertThat(skills.resolve("demo/lib/util.sh")).exists();
        assertThatThrownBy(() -> installer.install(zip, skills, false)).isInstanceOf(SkillException.class)
                .hasMessageContaining("already installed");
        assertThat(installer.install(zip, skills, true).name()).isEqualTo("demo");
        try (Stream<Path> left = Files.list(skills)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactly("demo");
        }
    }

    @Test
    void anArchiveWrittenByPythonsZipfileWritestrDefaultsInstalls() throws Exception {
        // writestr's defaults: Unix "made by", external attributes 0600 << 16 without any file type bits
        Path zip = root.resolve("python.zip");
        Process python = new ProcessBuilder("python3", "-c", String.join("\n",
                "import sys, zipfile",
                "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
                "    z.writestr('demo/SKILL.md', sys.argv[2])",
                "    z.writestr('demo/run.sh', 'echo hi\\n')",
                "    z.writestr('demo/lib/', '')",
                "    z.writestr('demo/lib/util.sh', 'x')",
                "    print(oct(z.getinfo('demo/SKILL.md').external_attr >> 16), z.getinfo('demo/SKILL.md').create_system)"),
                zip.toString(), SKILL_MD).redirectErrorStream(true).start();
        String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(python.waitFor()).as(printed).isZero();
        assertThat(printed).isEqualTo("0o600 3");

        Skill skill = installer.install(zip, skills, false);

        assertThat(skill.name()).isEqualTo("demo");
        assertThat(skills.resolve("demo/run.sh")).hasContent("echo hi\n");
        assertThat(skills.resolve("demo/lib/util.sh")).hasContent("x");
    }

    @Test
    void anArchiveWithoutAValidSkillIsRejected() throws Exception {
        assertThatThrownBy(() -> installer.install(zip("none.zip", entries("README", "x")), skills, false))
                .hasMessageContaining("SKILL.md at its top");
        assertThatThrownBy(() -> installer.install(zip("bad.zip", entries("SKILL.md", "no front matter", "run.sh", "x")),
                skills, false)).hasMessageContaining("no valid skill");
        Path notZip = Files.writeString(root.resolve("text.zip"), "this is not a zip");
        assertThatThrownBy(() -> installer.install(notZip, skills, false)).hasMessageContaining("not a readable zip");
        try (Stream<Path> left = Files.list(skills)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void symbolicLinkEntriesAreRejected() throws Exception {
        Map<String, byte[]> files = entries("SKILL.md", SKILL_MD, "run.sh", "echo\n");
        Path zip = zip("link.zip", files, Map.of("evil", new Link("../../secret.txt")));

        assertThatThrownBy(() -> installer.install(zip, skills, false)).hasMessageContaining("symbolic link");
        assertThat(skills.resolve("demo")).doesNotExist();
    }

    @Test
    void noPathTraversalPayloadEscapesTheSkillFolder() throws Exception {
        List<String> payloads = new ArrayList<>(TraversalPayloads.all(List.of("secret.txt", "home/evil.txt")));
        payloads.addAll(List.of("demo/../../evil.txt", "./evil.txt", "demo//evil", "C:evil.txt", " /evil", "../", "..",
                "a/./b", "\u202e../evil", "evil\r.txt"));
        List<String> before = listing(root);
        int rejected = 0;
        int harmless = 0;
        for (String payload : payloads) {
            Path zip = zip("payload.zip", entries("SKILL.md", SKILL_MD, "run.sh", "echo\n", payload, "ESCAPED"));
            try {
                installer.install(zip, skills, true);
                harmless++;
                // accepted: then the entry must have landed inside the skill folder
                try (Stream<Path> files = Files.walk(skills.resolve("demo"))) {
                    assertThat(files.filter(Files::isRegularFile).anyMatch(file -> read(file).equals("ESCAPED")))
                            .as(payload).isTrue();
                }
                ArchiveInstaller.deleteTree(skills.resolve("demo"));
            } catch (SkillException e) {
                rejected++;
                assertThat(e.getMessage()).as(payload).startsWith("rejected the archive").doesNotContain("\n");
            }
            Files.delete(zip);
            assertThat(listing(root)).as(payload).isEqualTo(before);
        }
        assertThat(root.resolve("secret.txt")).hasContent(SECRET);
        assertThat(payloads.size()).isGreaterThanOrEqualTo(200);
        System.out.println("[figure] skill archive path traversal: " + payloads.size() + " payloads, " + rejected
                + " archives rejected, " + harmless + " harmless names unpacked inside the skill folder, 0 escaped");
    }

    @Test
    void zipBombsAreStoppedWhileUnpacking() throws Exception {
        byte[] big = new byte[(int) ArchiveInstaller.MAX_BYTES + 1024];
        Path zip = zip("bomb.zip", entries("SKILL.md", SKILL_MD, "run.sh", "echo\n", "big.bin", big));

        assertThatThrownBy(() -> installer.install(zip, skills, false)).hasMessageContaining("unpacks to more than 64 MB");
        try (Stream<Path> left = Files.list(skills)) {
            assertThat(left).isEmpty();
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toString).filter(path -> !path.endsWith(".zip")).sorted().toList();
        }
    }

    static Map<String, byte[]> entries(Object... namesAndContents) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < namesAndContents.length; i += 2) {
            Object content = namesAndContents[i + 1];
            entries.put((String) namesAndContents[i], content instanceof byte[] bytes ? bytes
                    : content.toString().getBytes(StandardCharsets.UTF_8));
        }
        return entries;
    }

    /** A symbolic link entry. */
    record Link(String target) {}

    Path zip(String name, Map<String, byte[]> files) throws IOException {
        return zip(name, files, Map.of());
    }

    /**
     * Writes a zip by hand (stored entries, Unix "made by"), so any entry name and mode can be
     * written, which java.util.zip's writer would refuse or normalise.
     */
    Path zip(String name, Map<String, byte[]> files, Map<String, Link> links) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        Map<String, Object> all = new LinkedHashMap<>(files);
        all.putAll(links);
        for (Map.Entry<String, Object> entry : all.entrySet()) {
            byte[] nameBytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
            boolean link = entry.getValue() instanceof Link;
            byte[] data = link ? ((Link) entry.getValue()).target().getBytes(StandardCharsets.UTF_8) : (byte[]) entry.getValue();
            int mode = link ? 0120777 : 0100644;
            CRC32 crc = new CRC32();
            crc.update(data);
            int offset = out.size();
            ByteBuffer local = le(30 + nameBytes.length);
            local.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                    .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
            out.write(local.array());
            out.write(data);
            ByteBuffer header = le(46 + nameBytes.length);
            header.putInt(0x02014b50).putShort((short) (3 << 8 | 20)).putShort((short) 10).putShort((short) 0x0800)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
                    .putInt(data.length).putInt(data.length).putShort((short) nameBytes.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(mode << 16).putInt(offset)
                    .put(nameBytes);
            central.write(header.array());
            count++;
        }
        int centralOffset = out.size();
        out.write(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                .putInt(central.size()).putInt(centralOffset).putShort((short) 0);
        out.write(end.array());
        Path zip = root.resolve(name);
        try (OutputStream file = Files.newOutputStream(zip)) {
            out.writeTo(file);
        }
        return zip;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
