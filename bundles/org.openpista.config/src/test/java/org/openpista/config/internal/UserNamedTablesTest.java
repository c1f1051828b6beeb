package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Sub-tables whose names the user chooses ({@code tables = "*"}) and keys that take a table of
 * strings ({@code map} format), as a bundle declaring {@code [mcp.servers.<name>]} uses them.
 */
class UserNamedTablesTest {

    @TempDir
    Path tmp;

    Path file;
    final ConfigLoaderTest.MapSink sink = new ConfigLoaderTest.MapSink();
    ConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        file = home.resolve("config.toml");
        loader = new ConfigLoader(new Locations(home, file, tmp), new HashMap<String, String>()::get, this::catalog, sink);
    }

    private Catalog catalog() {
        List<Declaration> declarations = new ArrayList<>(TestCatalog.standard().declarations());
        KeySpec env = secretList("env").withFormat(SettingsSection.MAP);
        KeySpec headers = secretList("headers").withFormat(SettingsSection.MAP);
        declarations.add(new Declaration("servers", "org.example.servers", "org.example", Map.of(), Map.of(), "",
                List.of(SettingsSection.ANY_TABLE), TestCatalog.keys(TestCatalog.text("command", "Command", ""),
                        TestCatalog.list("args", AttributeDefinition.STRING), env, headers, TestCatalog.flag("enabled", true))));
        return new Catalog(declarations, TestCatalog.presets());
    }

    private static KeySpec secretList(String key) {
        return new KeySpec(key, "." + key, AttributeDefinition.STRING, true, "", "", List.of(), List.of(), key, "A secret table.",
                true, "", false);
    }

    @Test
    void anyNameIsASubTableAndTablesOfStringsArriveAsNameValueItems() throws Exception {
        write("[servers.files]\ncommand = \"npx\"\nargs = [\"-y\", \"server\"]\nenv = { LOG_LEVEL = \"warn\", N = 3 }\n\n"
                + "[servers.remote-1]\nenabled = false\n[servers.remote-1.headers]\nAuthorization = \"Bearer s3cret\"\n");

        assertThat(loader.load().warnings()).isEmpty();

        Map<String, Object> properties = sink.current.get("org.example.servers");
        assertThat(properties).containsEntry("files.command", "npx").containsEntry("remote-1.enabled", false);
        assertThat((String[]) properties.get("files.args")).containsExactly("-y", "server");
        // secrets stay private properties: a leading dot, never a service property
        assertThat((String[]) properties.get(".files.env")).containsExactly("LOG_LEVEL=warn", "N=3");
        assertThat((String[]) properties.get(".remote-1.headers")).containsExactly("Authorization=Bearer s3cret");
        assertThat(properties).doesNotContainKey("files..env");
    }

    @Test
    void aListOfNameValueItemsIsAcceptedToo() throws Exception {
        write("[servers.a]\nenv = [\"A=1\", \"B = two=2\"]\n");

        loader.load();

        assertThat((String[]) sink.current.get("org.example.servers").get(".a.env")).containsExactly("A=1", "B= two=2");
    }

    @Test
    void aBadNameOrValueSaysWhereWithoutRepeatingTheSecret() throws Exception {
        write("[servers.a]\nenv = { \"A B\" = \"hidden-value\" }\n");
        assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: servers.a.env: expected names of letters, digits, _, - and ., got \"A B\"");

        write("[servers.a]\nenv = { A = [\"hidden-value\"] }\n");
        assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: servers.a.env: expected a string for A, got a list");

        write("[servers.a]\nenv = [\"no-equals-sign-secret\"]\n");
        assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2: servers.a.env[0]: expected \"NAME=value\", got a string");

        write("[servers.a]\nenv = \"x\"\n");
        assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class).hasMessageContaining(
                "expected a table of strings such as { NAME = \"value\" }, got a string");
    }

    @Test
    void aNameThatCannotBeAPropertyIsIgnoredWithAWarning() throws Exception {
        write("[servers.\"my server\"]\ncommand = \"x\"\n[servers.ok]\ncommand = \"y\"\n");

        assertThat(loader.load().warnings()).containsExactly(
                file + ":1: servers.\"my server\": a table name of letters, digits, _ and - only, ignored");
        assertThat(sink.current.get("org.example.servers")).containsOnlyKeys("ok.command");
    }

    @Test
    void removedTablesAreGoneAtTheNextLoad() throws Exception {
        write("[servers.a]\ncommand = \"x\"\n[servers.b]\ncommand = \"y\"\n");
        loader.load();
        assertThat(sink.current.get("org.example.servers")).containsOnlyKeys("a.command", "b.command");

        write("[servers.b]\ncommand = \"y\"\n");
        loader.load();
        assertThat(sink.current.get("org.example.servers")).containsOnlyKeys("b.command");

        write("[agent]\n");
        loader.load();
        assertThat(sink.current).doesNotContainKey("org.example.servers");
    }

    @Test
    void theExampleShowsOneTableForANameOfYourChoice() {
        String example = ExampleWriter.write(catalog());

        assertThat(example).contains("# [servers.NAME]: one table per NAME you choose", "# [servers.NAME]\n",
                "# A secret table. (a table such as { NAME = \"value\" }; a secret)\n# env = {}\n");
    }

    private void write(String toml) throws IOException {
        Files.writeString(file, toml, StandardCharsets.UTF_8);
    }
}
