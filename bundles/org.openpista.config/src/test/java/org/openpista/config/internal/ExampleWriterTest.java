package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigReport;

class ExampleWriterTest {

    @TempDir
    Path tmp;

    final Catalog catalog = TestCatalog.standard();
    final String example = ExampleWriter.write(catalog);

    @Test
    void everyTableAndKeyIsWrittenWithItsDescriptionAndBounds() {
        assertThat(example).startsWith("# openpista configuration");
        assertThat(example.indexOf("[agent]")).isLessThan(example.indexOf("[database]"));
        assertThat(example.indexOf("[skills]")).isLessThan(example.indexOf("[channels.cli]"));
        assertThat(example.indexOf("[channels.whatsapp]")).isLessThan(example.indexOf("# [[cron]]"));
        assertThat(example).contains("max_tool_rounds = 30\n", "# A number. (1..10000)\n", "approval = \"ask\"\n",
                "# A choice. (one of ask, auto, deny)\n", "#   Installed providers: anthropic, claude, openai,",
                "port = 3210\n", "(0..65535; environment: OPENPISTA_WEB_PORT)", "token = \"\"\n",
                "# approval = \"ask\"   # the agent's approval mode for this channel", "# [auth.openai]\n",
                "# [providers.anthropic]\n", "#   ollama\n", "# schedule = \"\"   # required\n");
        for (String line : example.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void theExampleLoadsWithoutWarningsToEveryDefault() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path file = home.resolve("config.toml");
        Files.writeString(file, example, StandardCharsets.UTF_8);
        ConfigLoaderTest.MapSink sink = new ConfigLoaderTest.MapSink();

        ConfigReport report = new ConfigLoader(new Locations(home, file, tmp), new HashMap<String, String>()::get,
                () -> catalog, sink).load();

        assertThat(report.warnings()).isEmpty();
        assertThat(report.provider()).isEqualTo("openai");
        for (Declaration declaration : catalog.declarations()) {
            if (declaration.isArray()) {
                continue; // an example entry, commented out
            }
            Map<String, Object> properties = sink.current.get(declaration.pid());
            assertThat(properties).as(declaration.section()).isNotNull();
            for (KeySpec key : declaration.keys().values()) {
                if (declaration.section().equals(Catalog.AGENT) && ProviderSelection.PROVIDER_KEYS.contains(key.key())) {
                    continue;
                }
                Object value = properties.get(key.id());
                List<String> defaults = key.defaults().stream().filter(d -> !d.isEmpty()).toList();
                if (key.list()) {
                    assertThat(Array.getLength(value)).as(key.key()).isEqualTo(defaults.size());
                } else {
                    assertThat(String.valueOf(value)).as(declaration.section() + "." + key.key())
                            .isEqualTo(key.defaults().isEmpty() ? "" : key.defaults().get(0));
                }
            }
        }
    }
}
