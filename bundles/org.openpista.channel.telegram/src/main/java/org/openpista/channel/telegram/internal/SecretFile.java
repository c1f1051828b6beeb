package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Saves a generated webhook secret as {@code [channels.telegram] webhook_secret} in {@code
 * config.toml}, changing only that line (or adding it, or the section): comments and everything
 * else stay as written. The file is replaced atomically (written beside it, then renamed over it)
 * and, since it holds a secret, is readable by its owner only. (The web channel saves its generated
 * token the same way.)
 */
final class SecretFile {

    static final String KEY = "webhook_secret";

    private static final Pattern HEADER =
            Pattern.compile("^\\s*\\[\\s*channels\\s*\\.\\s*(telegram|\"telegram\")\\s*]\\s*(#.*)?$");
    private static final Pattern ANY_HEADER = Pattern.compile("^\\s*\\[.*");
    private static final Pattern LINE = Pattern.compile("^\\s*(" + KEY + "|\"" + KEY + "\")\\s*=.*$");
    // forms of [channels.telegram] this editor does not touch: a [channels] table, dotted or inline keys
    private static final Pattern OTHER_FORMS = Pattern.compile(
            "(?m)^\\s*(\\[\\s*channels\\s*]|channels\\s*\\.|\\[\\s*channels\\s*\\.\\s*telegram\\s*\\.)|^\\s*telegram\\s*=\\s*\\{");

    private SecretFile() {}

    /**
     * @param content the file as it is (empty when it does not exist)
     * @param secret the secret, only characters Telegram allows (no quoting needed)
     * @return the file with the secret set
     * @throws IllegalStateException when the file defines the section in a form this editor does not change
     */
    static String withSecret(String content, String secret) {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        String line = KEY + " = \"" + secret + "\"";
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (HEADER.matcher(lines.get(i)).matches()) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            if (OTHER_FORMS.matcher(content).find()) {
                throw new IllegalStateException("config.toml defines [channels.telegram] in a form openpista does not edit");
            }
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("[channels.telegram]");
            lines.add(line);
            return String.join("\n", lines) + "\n";
        }
        int end = lines.size();
        for (int i = header + 1; i < lines.size(); i++) {
            if (ANY_HEADER.matcher(lines.get(i)).matches()) {
                end = i;
                break;
            }
        }
        for (int i = header + 1; i < end; i++) {
            if (LINE.matcher(lines.get(i)).matches()) {
                lines.set(i, line);
                return String.join("\n", lines) + "\n";
            }
        }
        // after the section's last key, so the secret sits with the rest of the section
        int last = end;
        while (last > header + 1 && lines.get(last - 1).isBlank()) {
            last--;
        }
        lines.add(last, line);
        return String.join("\n", lines) + "\n";
    }

    /** Writes the secret into the file, atomically and readable by the owner only. */
    static void save(Path file, String secret) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        String content = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
        String updated = withSecret(content, secret);
        Files.createDirectories(target.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(target.getParent(), ".config.toml.", ".tmp",
                        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE)))
                : Files.createTempFile(target.getParent(), ".config.toml.", ".tmp");
        try {
            Files.writeString(temp, updated, StandardCharsets.UTF_8);
            if (posix && Files.exists(target)) {
                // keep the owner's bits, drop group and others: the file holds a secret now
                Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
                for (PosixFilePermission permission : Files.getPosixFilePermissions(target)) {
                    if (permission.name().startsWith("OWNER_")) {
                        mode.add(permission);
                    }
                }
                mode.add(PosixFilePermission.OWNER_READ);
                mode.add(PosixFilePermission.OWNER_WRITE);
                Files.setPosixFilePermissions(temp, mode);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
