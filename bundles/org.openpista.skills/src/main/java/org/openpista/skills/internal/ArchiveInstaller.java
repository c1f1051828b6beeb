package org.openpista.skills.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.openpista.api.skill.SkillException;

/**
 * Installs a skill from a zip archive into a folder of skills. Every entry is checked before a
 * single byte is written; one bad entry rejects the whole archive:
 *
 * <ul>
 *   <li>absolute names ({@code /x}, {@code C:x}, {@code \x}), {@code ..} segments, backslashes,
 *       NUL and other control characters are rejected, and so is any name that still resolves
 *       outside the skill folder;
 *   <li>symbolic links, devices and FIFOs (Unix mode in the central directory) are rejected;
 *   <li>at most {@value #MAX_ENTRIES} entries and {@value #MAX_BYTES} bytes unpacked, counted while
 *       unpacking, not trusted from the headers (zip bombs).
 * </ul>
 *
 * The archive holds one skill: {@code SKILL.md} at its top, or in one top folder. It is unpacked
 * into a hidden folder next to the target, validated like any skill, then moved into place.
 */
final class ArchiveInstaller {

    static final int MAX_ENTRIES = 2_000;
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final SkillFile reader = new SkillFile();

    /**
     * @param archive the zip file
     * @param skillsDir the folder skills are installed in
     * @param replace whether an existing skill of the same name may be replaced
     * @return the installed skill
     */
    Skill install(Path archive, Path skillsDir, boolean replace) throws SkillException {
        if (!Files.isRegularFile(archive)) {
            throw new SkillException("no such archive: " + archive, null);
        }
        Path staging = null;
        try {
            Files.createDirectories(skillsDir);
            List<String> names = check(archive);
            String prefix = prefix(names);
            staging = skillsDir.resolve(".install-" + UUID.randomUUID());
            Files.createDirectory(staging);
            unpack(archive, names, prefix, staging);
            Skill skill;
            try {
                skill = reader.read(staging, "home");
            } catch (IllegalArgumentException e) {
                throw new SkillException("the archive holds no valid skill: " + e.getMessage(), null);
            }
            Path target = skillsDir.resolve(skill.name());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!replace) {
                    throw new SkillException("a skill named " + skill.name() + " is already installed in " + target
                            + "; replace it with --replace", null);
                }
                Path old = skillsDir.resolve(".remove-" + UUID.randomUUID());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            return reader.read(target, "home");
        } catch (IOException e) {
            throw new SkillException("cannot install " + archive.getFileName() + ": " + SkillFile.oneLine(e.getMessage()), e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    /** @return the entry names, each proven safe; throws on the first bad one */
    static List<String> check(Path archive) throws SkillException, IOException {
        Map<String, Integer> modes;
        try {
            modes = ZipDirectory.unixModes(archive);
        } catch (IOException e) {
            throw new SkillException("not a readable zip archive: " + SkillFile.oneLine(e.getMessage()), e);
        }
        if (modes.size() > MAX_ENTRIES) {
            throw new SkillException("the archive has more than " + MAX_ENTRIES + " entries", null);
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (ZipFile zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                Integer mode = modes.get(name);
                if (mode == null) {
                    throw reject(name, "does not match the archive's central directory");
                }
                int type = mode & S_IFMT;
                // no type bits at all (Python's zipfile.writestr writes just 0600) is a plain entry, not a special file
                if (type != 0 && type != S_IFREG && type != S_IFDIR) {
                    throw reject(name, type == 0120000 ? "is a symbolic link" : "is not a regular file or folder");
                }
                checkName(name);
                String key = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                if (!seen.add(key)) {
                    throw reject(name, "appears twice");
                }
                names.add(name);
            }
        } catch (java.util.zip.ZipException e) {
            throw new SkillException("not a readable zip archive: " + SkillFile.oneLine(e.getMessage()), e);
        }
        return names;
    }

    /** Rejects any name that is not a plain relative path of ordinary segments. */
    static void checkName(String name) throws SkillException {
        if (name.isEmpty()) {
            throw reject(name, "has an empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\\' || c == ':' || c == '\uFFFD') {
                throw reject(name, "contains a control character, a backslash, a colon or undecodable bytes");
            }
        }
        if (name.startsWith("/") || name.startsWith("~")) {
            throw reject(name, "is an absolute path");
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.isBlank()) {
                throw reject(name, "has an empty, . or .. path segment");
            }
        }
        Path base = Path.of("/skill");
        if (!base.resolve(trimmed).normalize().startsWith(base)) {
            throw reject(name, "leaves the skill folder");
        }
    }

    private static String prefix(List<String> names) throws SkillException {
        if (names.contains(SkillFile.FILE_NAME)) {
            return "";
        }
        Set<String> tops = new HashSet<>();
        for (String name : names) {
            tops.add(name.split("/", 2)[0]);
        }
        if (tops.size() == 1) {
            String top = tops.iterator().next();
            if (names.contains(top + "/" + SkillFile.FILE_NAME)) {
                return top + "/";
            }
        }
        throw new SkillException("the archive must hold " + SkillFile.FILE_NAME + " at its top or in a single top folder", null);
    }

    private static void unpack(Path archive, List<String> names, String prefix, Path staging)
            throws IOException, SkillException {
        long total = 0;
        Path base = staging.toRealPath();
        try (ZipFile zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8)) {
            for (String name : names) {
                if (!name.startsWith(prefix) || name.equals(prefix)) {
                    continue;
                }
                String relative = name.substring(prefix.length());
                Path target = base.resolve(relative).normalize();
                if (!target.startsWith(base)) {
                    throw reject(name, "leaves the skill folder");
                }
                if (name.endsWith("/")) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (!target.getParent().toRealPath().startsWith(base)) {
                    throw reject(name, "leaves the skill folder");
                }
                ZipEntry entry = zip.getEntry(name);
                try (InputStream in = zip.getInputStream(entry);
                        OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] buffer = new byte[16 * 1024];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        total += read;
                        if (total > MAX_BYTES) {
                            throw new SkillException("the archive unpacks to more than " + MAX_BYTES / (1024 * 1024) + " MB", null);
                        }
                        out.write(buffer, 0, read);
                    }
                }
            }
        }
    }

    private static SkillException reject(String name, String why) {
        String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        shown = shown.replaceAll("\\p{Cntrl}", "?");
        return new SkillException("rejected the archive: entry \"" + shown + "\" " + why, null);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover hidden folder is skipped by the scanner
        }
    }
}
