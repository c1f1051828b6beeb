package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openpista.api.memory.StoreException;

class DatabaseLocationTest {

    private static final String USER_HOME = "/home/ana";
    private static final String HOME = "/srv/pista";

    @Test
    void emptyMeansMemoryDbInTheOpenpistaHome() {
        assertThat(DatabaseLocation.resolve("", HOME, USER_HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
        assertThat(DatabaseLocation.resolve("  ", HOME, USER_HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
        assertThat(DatabaseLocation.resolve(null, HOME, USER_HOME)).isEqualTo(Path.of("/srv/pista/memory.db"));
    }

    @Test
    void withoutTheFrameworkPropertyTheHomeIsDotOpenpista() {
        assertThat(DatabaseLocation.resolve("", null, USER_HOME)).isEqualTo(Path.of("/home/ana/.openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("", "", USER_HOME)).isEqualTo(Path.of("/home/ana/.openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("", "~/pista", USER_HOME)).isEqualTo(Path.of("/home/ana/pista/memory.db"));
    }

    @Test
    void aLeadingTildeIsTheUsersHome() {
        assertThat(DatabaseLocation.resolve("~/.openpista/memory.db", HOME, USER_HOME))
                .isEqualTo(Path.of("/home/ana/.openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("~", HOME, USER_HOME)).isEqualTo(Path.of("/home/ana"));
        assertThat(DatabaseLocation.resolve("/data/a~b.db", HOME, USER_HOME)).isEqualTo(Path.of("/data/a~b.db"));
    }

    @Test
    void sqlxUrlsOfTheRustOpenpistaAreUnderstood() {
        assertThat(DatabaseLocation.resolve("sqlite://~/.openpista/memory.db", HOME, USER_HOME))
                .isEqualTo(Path.of("/home/ana/.openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("sqlite://~/.openpista/memory.db?mode=rwc", HOME, USER_HOME))
                .isEqualTo(Path.of("/home/ana/.openpista/memory.db"));
        assertThat(DatabaseLocation.resolve("sqlite:///var/lib/pista/m.db?mode=rwc&cache=shared", HOME, USER_HOME))
                .isEqualTo(Path.of("/var/lib/pista/m.db"));
        assertThat(DatabaseLocation.resolve("sqlite:/var/m.db", HOME, USER_HOME)).isEqualTo(Path.of("/var/m.db"));
        assertThat(DatabaseLocation.resolve("SQLite://~/x.db", HOME, USER_HOME)).isEqualTo(Path.of("/home/ana/x.db"));
        assertThat(DatabaseLocation.resolve("/plain/path.db?mode=rwc", HOME, USER_HOME))
                .isEqualTo(Path.of("/plain/path.db"));
    }

    @Test
    void aRelativePathIsRelativeToTheOpenpistaHome() {
        assertThat(DatabaseLocation.resolve("sqlite:memory2.db", HOME, USER_HOME))
                .isEqualTo(Path.of("/srv/pista/memory2.db"));
        assertThat(DatabaseLocation.resolve("data/../m.db", HOME, USER_HOME)).isEqualTo(Path.of("/srv/pista/m.db"));
    }

    @Test
    void urlsNamingNoFileAreRefused() {
        assertThatThrownBy(() -> DatabaseLocation.resolve("sqlite://", HOME, USER_HOME))
                .isInstanceOf(StoreException.class)
                .hasMessage("[database] url 'sqlite://' names no file");
        assertThatThrownBy(() -> DatabaseLocation.resolve("sqlite::memory:", HOME, USER_HOME))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("in-memory");
        assertThatThrownBy(() -> DatabaseLocation.resolve("sqlite://?mode=memory", HOME, USER_HOME))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("names no file");
        assertThatThrownBy(() -> DatabaseLocation.resolve("bad\0name.db", HOME, USER_HOME))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not a valid path");
    }
}
