package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingsTest {

    @TempDir
    Path dir;

    @Test
    void aCodeIsOneTimeAndTheApprovalIsPersisted() {
        Path file = dir.resolve("pairing.json");
        Pairings pairings = new Pairings(file, Clock.systemUTC());
        Pairings.Pending code = pairings.codeFor(77, 77, "Mallory (@mal)");

        assertThat(code.code()).matches("[A-Z2-9]{4}-[A-Z2-9]{4}");
        assertThat(pairings.codeFor(77, 77, "Mallory (@mal)").code()).isEqualTo(code.code());
        assertThat(pairings.isApproved(77)).isFalse();

        assertThat(pairings.approve(code.code().toLowerCase().replace("-", ""))).isPresent();
        assertThat(pairings.isApproved(77)).isTrue();
        assertThat(pairings.approve(code.code())).isEmpty();

        Pairings reloaded = new Pairings(file, Clock.systemUTC());
        assertThat(reloaded.isApproved(77)).isTrue();
        assertThat(reloaded.pending()).isEmpty();
        assertThat(reloaded.revoke(77)).isTrue();
        assertThat(new Pairings(file, Clock.systemUTC()).isApproved(77)).isFalse();
    }

    @Test
    void pendingCodesSurviveARestartAndExpire() {
        Path file = dir.resolve("pairing.json");
        MutableClock clock = new MutableClock();
        Pairings.Pending code = new Pairings(file, clock).codeFor(5, 5, "Eve");

        Pairings afterRestart = new Pairings(file, clock);
        assertThat(afterRestart.pending()).extracting(Pairings.Pending::code).containsExactly(code.code());

        clock.now = clock.now.plus(Pairings.CODE_LIFETIME).plusSeconds(1);
        assertThat(afterRestart.approve(code.code())).isEmpty();
        assertThat(afterRestart.isApproved(5)).isFalse();
    }

    @Test
    void statusCountsTheCodesStillValidWithoutTouchingTheFile() throws Exception {
        Path file = dir.resolve("pairing.json");
        MutableClock clock = new MutableClock();
        Pairings daemon = new Pairings(file, clock);
        daemon.codeFor(1, 1, "old");
        clock.now = clock.now.plus(Pairings.CODE_LIFETIME);
        daemon.codeFor(2, 2, "new");
        daemon.approve(daemon.codeFor(3, 3, "friend").code());
        clock.now = clock.now.plusSeconds(1);
        String written = Files.readString(file);

        Pairings status = new Pairings(file, clock);
        assertThat(status.waiting()).isEqualTo(1);
        assertThat(status.approved()).hasSize(1);
        assertThat(Files.readString(file)).isEqualTo(written);

        Path now = dir.resolve("now.json");
        Pairings current = new Pairings(now, Clock.systemUTC());
        current.codeFor(4, 4, "waiting");
        current.approve(current.codeFor(5, 5, "friend").code());
        assertThat(TelegramStatus.paired(now)).isEqualTo("1 user(s), 1 code(s) waiting (openpista shell -c \"openpista:pair\")");
        assertThat(TelegramStatus.paired(dir.resolve("none.json"))).isEqualTo("nobody");
    }

    @Test
    void strangersCannotGrowTheFileWithoutBound() {
        Pairings pairings = new Pairings(dir.resolve("pairing.json"), Clock.systemUTC());
        for (int user = 1; user <= 500; user++) {
            pairings.codeFor(user, user, "spam " + user);
        }
        assertThat(pairings.pending()).hasSize(Pairings.MAX_PENDING);
        assertThat(pairings.pending().get(0).userId()).isEqualTo(500 - Pairings.MAX_PENDING + 1);
    }

    @Test
    void aDamagedFileStopsInsteadOfForgettingApprovals() throws Exception {
        Path file = dir.resolve("pairing.json");
        Files.writeString(file, "{ not json");
        assertThatThrownBy(() -> new Pairings(file, Clock.systemUTC())).hasMessageContaining("cannot read " + file);
    }

    @Test
    void denyUsesTheCodeUp() {
        Pairings pairings = new Pairings(dir.resolve("pairing.json"), Clock.systemUTC());
        Pairings.Pending code = pairings.codeFor(9, 9, "x");
        assertThat(pairings.deny(code.code())).isPresent();
        assertThat(pairings.approve(code.code())).isEmpty();
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
