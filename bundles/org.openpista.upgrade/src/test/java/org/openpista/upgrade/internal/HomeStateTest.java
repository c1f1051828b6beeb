package org.openpista.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What {@code openpista upgrade --check} says about a home. */
class HomeStateTest {

    private static final HomeFiles FILES = new HomeFiles(Path.of("/h"), Path.of("/h/config.toml"), Path.of("/h/credentials.toml"),
            Path.of("/h/memory.db"));
    private static final List<SchemaStep> STEPS = List.of(new SchemaStep("database", 1, "one"), new SchemaStep("database", 2, "two"),
            new SchemaStep("database", 3, "three"));

    @Test
    void anOlderHomeListsItsPendingMigrations() {
        HomeState state = new HomeState(FILES, "0.2.0", Optional.of("0.1.0"), OptionalInt.of(1), STEPS, 1, 1);
        assertThat(state.databaseBehind()).isTrue();
        assertThat(state.upgradeNeeded()).isTrue();
        assertThat(state.pendingMigrations()).extracting(SchemaStep::version).containsExactly(2, 3);
        assertThat(state.report(List.of("config.toml:4: [agent] old_key: unknown key"))).containsExactly(
                "distribution: 0.1.0 → 0.2.0",
                "database /h/memory.db: schema 1 → 3, pending migrations:",
                "  2  two",
                "  3  three",
                "config /h/config.toml: schema 1 (current); no keys are renamed",
                "config keys this version does not read (deprecated, renamed or misspelt):",
                "  config.toml:4: [agent] old_key: unknown key");
        assertThat(state.summary()).isEqualTo("openpista 0.1.0 → 0.2.0, database schema 1 → 3, config schema 1 → 1");
    }

    @Test
    void aCurrentHomeNeedsNothingAndANewerOneIsSaidToBe() {
        HomeState current = new HomeState(FILES, "0.2.0", Optional.of("0.2.0"), OptionalInt.of(3), STEPS, 1, 1);
        assertThat(current.upgradeNeeded()).isFalse();
        assertThat(current.report(List.of())).contains("distribution: 0.2.0 (unchanged)",
                "database /h/memory.db: schema 3 (current)", "config keys: every key is read by this version");

        HomeState newer = new HomeState(FILES, "0.2.0", Optional.empty(), OptionalInt.of(5), STEPS, 2, 1);
        assertThat(newer.databaseAhead()).isTrue();
        assertThat(newer.configAhead()).isTrue();
        assertThat(String.join("\n", newer.report(List.of()))).contains("schema 5 was written by a newer openpista")
                .contains("config /h/config.toml: schema 2 was written by a newer openpista");

        HomeState fresh = new HomeState(FILES, "0.2.0", Optional.empty(), OptionalInt.empty(), STEPS, 1, 1);
        assertThat(fresh.upgradeNeeded()).isFalse();
        assertThat(fresh.report(List.of()).get(1)).isEqualTo("database /h/memory.db: none yet (created at schema 3 when first used)");
    }
}
