package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentIdsTest {

    @TempDir
    Path dir;

    @Test
    void remembersTheNewestUpToTheCapacity() {
        RecentIds ids = new RecentIds(3);
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("b")).isTrue();
        assertThat(ids.add("a")).isFalse();
        assertThat(ids.add("c")).isTrue();
        assertThat(ids.add("d")).isTrue();
        assertThat(ids.ids()).containsExactly("b", "c", "d");
        assertThat(ids.contains("a")).isFalse();
        assertThat(ids.contains("d")).isTrue();
        assertThat(ids.lines()).isEqualTo("b\nc\nd\n");
    }

    @Test
    void readsALedgerFileSkippingBlankAndMalformedLines() throws IOException {
        Path file = dir.resolve("webhook-1");
        Files.writeString(file, "1\n\n 2 \nthree\n4\n");
        RecentIds ids = new RecentIds(2);
        assertThat(ids.readLines(file, line -> line.matches("\\d+"))).isEqualTo(1);
        assertThat(ids.ids()).containsExactly("2", "4");
        assertThat(new RecentIds(5).readLines(dir.resolve("missing"), line -> true)).isZero();
        assertThatThrownBy(() -> new RecentIds(5).readLines(dir, line -> true)).isInstanceOf(IOException.class);
    }

    @Test
    void theLinesWrittenAreReadBack() throws IOException {
        RecentIds ids = new RecentIds(10);
        ids.add("Ev01");
        ids.add("Ev02");
        Path file = dir.resolve("events-T1");
        StateFiles.writeAtomically(file, ids.lines());
        RecentIds again = new RecentIds(10);
        again.readLines(file, line -> true);
        assertThat(again.ids()).containsExactly("Ev01", "Ev02");
    }
}
