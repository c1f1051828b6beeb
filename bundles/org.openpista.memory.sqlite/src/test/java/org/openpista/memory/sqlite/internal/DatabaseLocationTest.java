package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.memory.StoreException;

class DatabaseLocationTest {

    private static final Path HOME = Path.of("/srv/pista");
    /** {@code $HOME} as a shell has it, which is what {@code ~} means in config.toml. */
    private static final Path USER_HOME = ConfigurationLoader.userHome().toAbsolutePath().normalize();

    @Test
    void emptyMeansMemoryDbInTheOpenpistaHome() {
        assertThat(DatabaseLocation.resolve("", "", HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
        assertThat(DatabaseLocation.resolve("  ", null, HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
        assertThat(DatabaseLocation.resolve(null, null, HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
    }

    @Test
    void pathIsASynonymReadWhenUrlIsEmpty() {
        assertThat(DatabaseLocation.resolve("", "other.db", HOME)).isEqualTo(Path.of("/srv/pista/other.db"));
        assertThat(DatabaseLocation.resolve("sqlite:///data/m.db", "other.db", HOME)).isEqualTo(Path.of("/data/m.db"));
        assertThat(DatabaseLocation.resolve(null, "sqlite://~/p.db?mode=rwc", HOME)).isEqualTo(USER_HOME.resolve("p.db"));
    }

    @Test
    void aLeadingTildeIsTheShellsHome() {
        assertThat(DatabaseLocation.resolve("~/.openpista/memory.db", "", HOME))
                .isEqualTo(USER_HOME.resolve(".openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("~", "", HOME)).isEqualTo(USER_HOME);
        assertThat(DatabaseLocation.resolve("/data/a~b.db", "", HOME)).isEqualTo(Path.of("/data/a~b.db"));
    }

    @Test
    void sqlxUrlsOfTheRustOpenpistaAreUnderstood() {
        assertThat(DatabaseLocation.resolve("sqlite://~/.openpista/memory.db", "", HOME))
                .isEqualTo(USER_HOME.resolve(".openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("sqlite://~/.openpista/memory.db?mode=rwc", "", HOME))
                .isEqualTo(USER_HOME.resolve(".openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("sqlite:///var/lib/pista/m.db?mode=rwc&cache=shared", "", HOME))
                .isEqualTo(Path.of("/var/lib/pista/m.db"));
        assertThat(DatabaseLocation.resolve("sqlite:/var/m.db", "", HOME)).isEqualTo(Path.of("/var/m.db"));
        assertThat(DatabaseLocation.resolve("SQLite://~/x.db", "", HOME)).isEqualTo(USER_HOME.resolve("x.db"));
        assertThat(DatabaseLocation.resolve("/plain/path.db?mode=rwc", "", HOME)).isEqualTo(Path.of("/plain/path.db"));
    }

    @Test
    void aRelativePathIsRelativeToTheOpenpistaHome() {
        assertThat(DatabaseLocation.resolve("sqlite:memory2.db", "", HOME)).isEqualTo(Path.of("/srv/pista/memory2.db"));
        assertThat(DatabaseLocation.resolve("data/../m.db", "", HOME)).isEqualTo(Path.of("/srv/pista/m.db"));
    }

    @Test
    void settingsNamingNoFileAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> DatabaseLocation.resolve("sqlite://", "", HOME))
                .isInstanceOf(StoreException.class)
                .hasMessage("[database] url 'sqlite://' names no file");
        assertThatThrownBy(() -> DatabaseLocation.resolve("", "sqlite::memory:", HOME))
                .isInstanceOf(StoreException.class)
                .hasMessage("[database] path 'sqlite::memory:' is an in-memory database; conversation memory needs a file");
        assertThatThrownBy(() -> DatabaseLocation.resolve("sqlite://?mode=memory", "", HOME))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("names no file");
        assertThatThrownBy(() -> DatabaseLocation.resolve("bad\0name.db", "", HOME))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not a valid path");
    }
}
