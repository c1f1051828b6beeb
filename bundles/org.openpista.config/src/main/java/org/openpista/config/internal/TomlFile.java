package org.openpista.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.openpista.api.config.ConfigException;

/**
 * Reads {@code config.toml} with jackson-dataformat-toml into a tree, plus the line of every key.
 *
 * @param root the document's top-level table (empty when the file does not exist)
 * @param lines where each key is
 * @param exists whether the file exists
 */
record TomlFile(ObjectNode root, KeyLines lines, boolean exists) {

    /**
     * @param file the file; a missing file gives an empty document
     * @return the parsed document
     * @throws ConfigException when the file cannot be read or is not valid TOML, naming the line
     */
    static TomlFile read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new TomlFile(JsonNodeFactory.instance.objectNode(), KeyLines.none(), false);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, "", "cannot read: the file is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "", "cannot read: " + describe(e));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a BOM some editors write; TOML itself has none
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JsonProcessingException e) {
            String problem = withoutText(e.getOriginalMessage());
            if (problem.startsWith("Duplicate key")) {
                var duplicate = KeyLines.scan(text).firstDuplicate();
                if (duplicate.isPresent()) {
                    throw new ConfigException(file, duplicate.get().line(), duplicate.get().key(),
                            "malformed TOML: key given a value twice");
                }
            }
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
            String column = at == null || at.getColumnNr() <= 0 ? "" : " (column " + at.getColumnNr() + ")";
            throw new ConfigException(file, line, "", "malformed TOML: " + problem + column);
        }
        ObjectNode table = root instanceof ObjectNode ? (ObjectNode) root : JsonNodeFactory.instance.objectNode();
        return new TomlFile(table, KeyLines.scan(text), true);
    }

    /**
     * Parser messages may quote the text at fault, e.g. "Invalid number representation ('…')"; the
     * line already points there, and the text could be a secret written without quotes.
     */
    private static String withoutText(String message) {
        String text = message == null ? "syntax error" : message.replaceAll("\\('.*?'\\)", "").replaceAll("\\s+", " ").trim();
        return text.isEmpty() ? "syntax error" : text;
    }

    private static String describe(IOException e) {
        String what = e.getClass().getSimpleName();
        if (e.getMessage() == null) {
            return what;
        }
        return e.getMessage().replaceAll("\\s+", " ") + " (" + what + ")";
    }
}
