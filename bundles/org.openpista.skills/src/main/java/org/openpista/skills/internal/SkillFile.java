package org.openpista.skills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a skill folder: {@code SKILL.md} with YAML front matter between {@code ---} lines, the
 * body being the instructions, and the entry next to it.
 *
 * <pre>
 * ---
 * name: hello
 * description: Greets someone by name.
 * mode: subprocess            # subprocess | docker | wasm; default wasm for a .wasm entry, else subprocess
 * image: python:3-slim        # docker mode only; default: [skills] docker_image
 * timeout: 20                 # seconds, default 30
 * network: true               # default false: no network in bubblewrap and docker
 * arguments:                  # JSON Schema of the arguments (type object), or just its properties
 *   name: {type: string, description: Who to greet}
 * ---
 * Instructions for the model.
 * </pre>
 */
final class SkillFile {

    static final String FILE_NAME = "SKILL.md";
    static final List<String> MODES = List.of("subprocess", "docker", "wasm");
    static final int DEFAULT_TIMEOUT_SECS = 30;
    static final int MAX_TIMEOUT_SECS = 600;
    /** SKILL.md files larger than this are refused: they are instructions, not data. */
    static final long MAX_BYTES = 256 * 1024;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param folder a folder holding SKILL.md
     * @param origin where it was found
     * @return the skill
     * @throws IllegalArgumentException with a one-line reason when the folder is not a valid skill
     * @throws IOException when it cannot be read
     */
    Skill read(Path folder, String origin) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(FILE_NAME + " is not a regular file");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IllegalArgumentException(FILE_NAME + " is larger than " + MAX_BYTES / 1024 + " KB");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (!text.startsWith("---\n")) {
            throw new IllegalArgumentException(FILE_NAME + " must start with a front matter block between --- lines");
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0) {
            throw new IllegalArgumentException(FILE_NAME + ": the front matter has no closing --- line");
        }
        String front = text.substring(4, end + 1);
        int bodyStart = text.indexOf('\n', end + 4);
        String body = bodyStart < 0 ? "" : text.substring(bodyStart + 1).strip();
        JsonNode meta;
        try {
            meta = yaml.readTree(front);
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE_NAME + ": the front matter is not valid YAML: " + oneLine(e.getMessage()));
        }
        if (meta == null || !meta.isObject()) {
            throw new IllegalArgumentException(FILE_NAME + ": the front matter must be a mapping of keys");
        }
        String name = text(meta, "name");
        if (name.isEmpty()) {
            name = folder.getFileName().toString();
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("skill name \"" + abbreviate(name)
                    + "\" must be lower-case letters, digits, - and _ (at most 64)");
        }
        String description = text(meta, "description");
        if (description.isEmpty()) {
            throw new IllegalArgumentException(FILE_NAME + ": description is missing");
        }
        Path entry = entry(folder, text(meta, "entry"));
        String mode = text(meta, "mode").toLowerCase(Locale.ROOT);
        if (mode.isEmpty()) {
            mode = entry.getFileName().toString().endsWith(".wasm") ? "wasm" : "subprocess";
        }
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException(FILE_NAME + ": mode must be one of " + MODES + ", got \"" + abbreviate(mode) + "\"");
        }
        boolean wasmEntry = entry.getFileName().toString().endsWith(".wasm");
        if (mode.equals("wasm") != wasmEntry) {
            throw new IllegalArgumentException("mode " + mode + " does not fit the entry " + entry.getFileName());
        }
        int timeout = DEFAULT_TIMEOUT_SECS;
        JsonNode timeoutNode = meta.get("timeout");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            if (!timeoutNode.canConvertToInt() || timeoutNode.asInt() < 1 || timeoutNode.asInt() > MAX_TIMEOUT_SECS) {
                throw new IllegalArgumentException(FILE_NAME + ": timeout must be a number of seconds from 1 to " + MAX_TIMEOUT_SECS);
            }
            timeout = timeoutNode.asInt();
        }
        JsonNode arguments = meta.has("arguments") ? meta.get("arguments") : meta.get("parameters");
        String schema = schema(arguments);
        String stamp = stamp(file) + "|" + stamp(entry);
        JsonNode network = meta.get("network");
        if (network != null && !network.isNull() && !network.isBoolean()) {
            throw new IllegalArgumentException(FILE_NAME + ": network must be true or false");
        }
        boolean allowed = network != null && network.asBoolean(false);
        return new Skill(name, description.replaceAll("\\s+", " "), mode, text(meta, "image"), timeout, allowed, schema, body,
                folder, entry, origin, stamp);
    }

    private Path entry(Path folder, String declared) throws IOException {
        List<String> candidates;
        if (!declared.isEmpty()) {
            if (declared.contains("/") || declared.contains("\\") || declared.startsWith(".")) {
                throw new IllegalArgumentException("entry must be a file name in the skill folder");
            }
            candidates = List.of(declared);
        } else {
            candidates = List.of("run.sh", "main.py");
        }
        for (String candidate : candidates) {
            Path path = folder.resolve(candidate);
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return path;
            }
        }
        if (declared.isEmpty()) {
            try (Stream<Path> files = Files.list(folder)) {
                List<Path> modules = files.filter(path -> path.getFileName().toString().endsWith(".wasm"))
                        .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                        .sorted()
                        .toList();
                if (modules.size() == 1) {
                    return modules.get(0);
                }
                if (modules.size() > 1) {
                    throw new IllegalArgumentException("several .wasm modules; name one with entry:");
                }
            }
        }
        throw new IllegalArgumentException(declared.isEmpty()
                ? "no entry: put run.sh, main.py or one .wasm module next to SKILL.md"
                : "entry " + declared + " is missing");
    }

    private String schema(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{\"type\":\"object\",\"properties\":{}}";
        }
        if (!arguments.isObject()) {
            throw new IllegalArgumentException(FILE_NAME + ": arguments must be a mapping");
        }
        ObjectNode schema;
        if (arguments.has("type") && arguments.get("type").isTextual()) {
            if (!"object".equals(arguments.get("type").asText())) {
                throw new IllegalArgumentException(FILE_NAME + ": the arguments schema must have type object");
            }
            schema = (ObjectNode) arguments.deepCopy();
        } else {
            // the short form: just the properties
            schema = json.createObjectNode().put("type", "object");
            schema.set("properties", arguments.deepCopy());
        }
        if (!schema.has("properties")) {
            schema.putObject("properties");
        }
        return schema.toString();
    }

    private static String stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attributes.lastModifiedTime().toMillis() + ":" + attributes.size();
    }

    private static String text(JsonNode meta, String key) {
        JsonNode node = meta.get(key);
        return node == null || node.isNull() || node.isContainerNode() ? "" : node.asText().strip();
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
