package org.openpista.config.internal;

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
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Edits {@code config.toml} line by line rather than through a TOML writer, so that the owner's
 * comments, order and spacing survive; only the plain {@code [a.b]} table form is changed.
 */
@Component(service = ConfigFileEditor.class)
public final class ConfigFileEditorComponent implements ConfigFileEditor {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:/-]*");
    private static final Pattern ANY_HEADER = Pattern.compile("^\\s*\\[.*");

    private final Path file;

    @Activate
    public ConfigFileEditorComponent(BundleContext context) {
        this(Locations.of(context::getProperty, ConfigurationLoader.userHome()).file());
    }

    /** @param file the configuration file to edit */
    ConfigFileEditorComponent(Path file) {
        this.file = file;
    }

    @Override
    public Path setSecret(String section, String key, String value) throws IOException {
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("a value for [" + section + "] " + key + " that would need escaping");
        }
        return set(section, Map.of(key, value));
    }

    @Override
    public synchronized Path set(String section, Map<String, ?> values) throws IOException {
        Map<String, String> rendered = new LinkedHashMap<>();
        values.forEach((key, value) -> rendered.put(key, TomlValues.render(value)));
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        String content = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
        writeOwnerOnly(target, withValues(content, section, rendered));
        return target;
    }

    @Override
    public synchronized boolean removeSection(String section) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        if (!Files.exists(target)) {
            return false;
        }
        String content = Files.readString(target, StandardCharsets.UTF_8);
        String result = withoutSection(content, section);
        if (result.equals(content)) {
            return false;
        }
        writeOwnerOnly(target, result);
        return true;
    }

    /**
     * @param content the file as it is
     * @return the file without {@code [section]}, its sub-tables and the comments right above them
     */
    static String withoutSection(String content, String section) {
        List<String> parts = Arrays.asList(section.split("\\.", -1));
        if (parts.stream().anyMatch(part -> !NAME.matcher(part).matches())) {
            throw new IllegalArgumentException("not a plain table: [" + section + "]");
        }
        String name = parts.stream().map(part -> "(" + part + "|\"" + part + "\")").collect(Collectors.joining("\\s*\\.\\s*"));
        Pattern own = Pattern.compile("^\\s*\\[\\s*" + name + "\\s*(\\.[^\\]]*)?]\\s*(#.*)?$");
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        List<String> kept = new ArrayList<>();
        boolean removing = false;
        boolean found = false;
        for (String line : lines) {
            if (ANY_HEADER.matcher(line).matches()) {
                boolean wasRemoving = removing;
                removing = own.matcher(line).matches();
                if (wasRemoving && !removing && !kept.isEmpty() && !kept.get(kept.size() - 1).isBlank()) {
                    kept.add("");
                }
                if (removing) {
                    found = true;
                    // the comments and blank line just above the header belong to it
                    while (!kept.isEmpty() && kept.get(kept.size() - 1).strip().startsWith("#")) {
                        kept.remove(kept.size() - 1);
                    }
                    while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
                        kept.remove(kept.size() - 1);
                    }
                }
            }
            if (!removing) {
                kept.add(line);
            }
        }
        if (!found) {
            return content;
        }
        String joined = String.join("\n", kept);
        return joined.endsWith("\n") || joined.isEmpty() ? joined : joined + "\n";
    }

    /**
     * @param content the file as it is (empty when it does not exist)
     * @return the file with {@code key = "value"} set in {@code [section]}
     */
    static String withValue(String content, String section, String key, String value) {
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("a value for [" + section + "] " + key + " that would need escaping");
        }
        return withValues(content, section, Map.of(key, TomlValues.render(value)));
    }

    /**
     * @param content the file as it is (empty when it does not exist)
     * @param values keys to their values written as TOML, in order
     * @return the file with the keys set in {@code [section]}
     */
    static String withValues(String content, String section, Map<String, String> values) {
        List<String> parts = Arrays.asList(section.split("\\.", -1));
        if (parts.stream().anyMatch(part -> !NAME.matcher(part).matches())
                || values.keySet().stream().anyMatch(key -> !NAME.matcher(key).matches())) {
            throw new IllegalArgumentException("not a plain table and keys: [" + section + "] " + values.keySet());
        }
        String result = content;
        for (Map.Entry<String, String> value : values.entrySet()) {
            result = withLine(result, section, parts, value.getKey(), value.getKey() + " = " + value.getValue());
        }
        return result;
    }

    private static String withLine(String content, String section, List<String> parts, String key, String line) {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        Pattern header = Pattern.compile("^\\s*\\[\\s*" + parts.stream().map(part -> "(" + part + "|\"" + part + "\")")
                .collect(Collectors.joining("\\s*\\.\\s*")) + "\\s*]\\s*(#.*)?$");
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (header.matcher(lines.get(i)).matches()) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            if (otherForms(parts).matcher(content).find()) {
                throw new IllegalStateException("config.toml defines [" + section + "] in a form openpista does not edit");
            }
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("[" + section + "]");
            lines.add(line);
            return String.join("\n", lines) + "\n";
        }
        int end = lines.size();
        for (int i = start + 1; i < lines.size(); i++) {
            if (ANY_HEADER.matcher(lines.get(i)).matches()) {
                end = i;
                break;
            }
        }
        Pattern existing = Pattern.compile("^\\s*(" + key + "|\"" + key + "\")\\s*=.*$");
        for (int i = start + 1; i < end; i++) {
            if (existing.matcher(lines.get(i)).matches()) {
                lines.set(i, line);
                return String.join("\n", lines) + "\n";
            }
        }
        // after the section's last key, so the new one sits with the rest of the section
        int last = end;
        while (last > start + 1 && lines.get(last - 1).isBlank()) {
            last--;
        }
        lines.add(last, line);
        return String.join("\n", lines) + "\n";
    }

    /** Where the section is written as a parent table, dotted keys, a sub-table or an inline table. */
    private static Pattern otherForms(List<String> parts) {
        List<String> alternatives = new ArrayList<>();
        for (int length = 1; length < parts.size(); length++) {
            alternatives.add("^\\s*\\[\\s*" + String.join("\\s*\\.\\s*", parts.subList(0, length)) + "\\s*]");
        }
        alternatives.add("^\\s*" + parts.get(0) + "\\s*\\.");
        alternatives.add("^\\s*\\[\\s*" + String.join("\\s*\\.\\s*", parts) + "\\s*\\.");
        alternatives.add("^\\s*" + parts.get(parts.size() - 1) + "\\s*=\\s*\\{");
        return Pattern.compile("(?m)" + String.join("|", alternatives));
    }

    private static void writeOwnerOnly(Path target, String content) throws IOException {
        Files.createDirectories(target.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(target.getParent(), ".config.toml.", ".tmp", PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))
                : Files.createTempFile(target.getParent(), ".config.toml.", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            if (posix && Files.exists(target)) {
                // keep the owner's bits, drop group and others: the file holds a secret now
                Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                for (PosixFilePermission permission : Files.getPosixFilePermissions(target)) {
                    if (permission.name().startsWith("OWNER_")) {
                        mode.add(permission);
                    }
                }
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
