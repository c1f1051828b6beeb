package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WakeUpTimerTest {

    final WakeUpTimer timer = new WakeUpTimer(Clock.systemUTC());

    @AfterEach
    void close() {
        timer.close();
    }

    @Test
    void aDueTimeInThePastWakesAtOnceWithTheTimeThen() throws Exception {
        CountDownLatch woken = new CountDownLatch(1);
        Instant before = Instant.now();
        Instant[] tickedAt = new Instant[1];

        timer.wakeAt(before.minusSeconds(5), now -> {
            tickedAt[0] = now;
            woken.countDown();
        }, () -> {});

        assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tickedAt[0]).isAfterOrEqualTo(before);
    }

    @Test
    void aNewWakeUpReplacesThePreviousOne() throws Exception {
        AtomicInteger later = new AtomicInteger();
        CountDownLatch woken = new CountDownLatch(1);

        timer.wakeAt(Instant.now().plusSeconds(30), now -> later.incrementAndGet(), () -> {});
        timer.wakeAt(null, now -> later.incrementAndGet(), () -> {});
        timer.wakeAt(Instant.now(), now -> woken.countDown(), () -> {});

        assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(later).hasValue(0);
    }

    @Test
    void aFailingTickIsReportedSoTheTimerCanBeSetAgain() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);

        timer.wakeAt(Instant.now(), now -> {
            throw new IllegalStateException("broken");
        }, failed::countDown);

        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
