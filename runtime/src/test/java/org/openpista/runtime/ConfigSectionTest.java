package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSectionTest {

    final ConfigSection web = new ConfigSection("channels.web");

    @Test
    void readsValuesOfTheSectionOnly() {
        String toml = """
                [channels.telegram]
                token = "telegram"
                [ channels . "web" ]  # the web chat
                token = "a\\"b" # quoted
                port = 4000
                enabled = false
                bind = 'literal'
                [agent]
                port = 1
                """;
        assertThat(web.get(toml, "token")).isEqualTo("a\"b");
        assertThat(web.get(toml, "port")).isEqualTo("4000");
        assertThat(web.get(toml, "enabled")).isEqualTo("false");
        assertThat(web.get(toml, "bind")).isEqualTo("literal");
        assertThat(web.get(toml, "missing")).isNull();
        assertThat(web.get("[agent]\n", "token")).isNull();
    }

    @Test
    void setsKeysInPlaceAndAddsMissingOnesAtTheEndOfTheSection() {
        String toml = "# mine\n[channels.web]\nport = 1 # old\n\n[agent]\nprovider = \"openai\"\n";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("port", "2");
        values.put("token", ConfigSection.quote("t\"k"));
        assertThat(web.set(toml, values))
                .isEqualTo("# mine\n[channels.web]\nport = 2\ntoken = \"t\\\"k\"\n\n[agent]\nprovider = \"openai\"\n");
    }

    @Test
    void addsTheSectionWhenMissing() {
        assertThat(web.set("[agent]\nx = 1\n", Map.of("enabled", "true"))).isEqualTo("[agent]\nx = 1\n\n[channels.web]\nenabled = true\n");
        assertThat(web.set("", Map.of("enabled", "true"))).isEqualTo("[channels.web]\nenabled = true\n");
    }
}
