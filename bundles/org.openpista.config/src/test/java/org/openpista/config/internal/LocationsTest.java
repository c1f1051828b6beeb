package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationsTest {

    @TempDir
    Path userHome;

    final Map<String, String> properties = new HashMap<>();

    @Test
    void defaultsToDotOpenpistaInTheUserHome() {
        Locations locations = Locations.of(properties::get, userHome);

        assertThat(locations.home()).isEqualTo(userHome.resolve(".openpista"));
        assertThat(locations.file()).isEqualTo(userHome.resolve(".openpista/config.toml"));
    }

    @Test
    void frameworkPropertiesWinAndTildeIsExpanded() {
        properties.put("openpista.home", "~/pista");
        Locations home = Locations.of(properties::get, userHome);
        assertThat(home.home()).isEqualTo(userHome.resolve("pista"));
        assertThat(home.file()).isEqualTo(userHome.resolve("pista/config.toml"));

        properties.put("openpista.config", "~/elsewhere/my.toml");
        assertThat(Locations.of(properties::get, userHome).file()).isEqualTo(userHome.resolve("elsewhere/my.toml"));
    }

    @Test
    void blankPropertiesCountAsUnset() {
        properties.put("openpista.home", " ");
        properties.put("openpista.config", "");

        assertThat(Locations.of(properties::get, userHome).file()).isEqualTo(userHome.resolve(".openpista/config.toml"));
    }

    @Test
    void pathsUnderHome() {
        Locations locations = Locations.of(properties::get, userHome);

        assertThat(locations.underHome("memory.db")).isEqualTo(userHome.resolve(".openpista/memory.db"));
        assertThat(locations.underHome("~/x.db")).isEqualTo(userHome.resolve("x.db"));
        assertThat(locations.underHome("~")).isEqualTo(userHome);
        assertThat(locations.expanded("relative/dir")).isEqualTo("relative/dir");
        assertThat(locations.expanded("~/dir")).isEqualTo(userHome.resolve("dir").toString());
        assertThat(locations.expanded("a~/b")).isEqualTo("a~/b");
    }
}
