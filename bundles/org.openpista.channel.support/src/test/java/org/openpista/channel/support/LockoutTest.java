package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rules of the login lockout on the real {@link Lockout} with a clock the test moves. What they
 * mean over real connections is tested in each channel that uses it (the web chat's LockoutTest, the
 * mobile channel's SecurityTest).
 */
class LockoutTest {

    final MutableClock clock = new MutableClock();
    final Lockout lockout = new Lockout(clock);

    @Test
    void allOfLoopbackIsOneSourceAndAnIpv6HostItsNetwork() {
        assertThat(Lockout.source("127.0.0.1")).isEqualTo(Lockout.LOOPBACK);
        assertThat(Lockout.source("127.45.6.7")).isEqualTo(Lockout.LOOPBACK);
        assertThat(Lockout.source("::1")).isEqualTo(Lockout.LOOPBACK);
        assertThat(Lockout.source("[0:0:0:0:0:0:0:1]")).isEqualTo(Lockout.LOOPBACK);
        assertThat(Lockout.source("::ffff:127.0.0.9")).isEqualTo(Lockout.LOOPBACK);
        assertThat(Lockout.source("203.0.113.5")).isEqualTo("203.0.113.5");
        assertThat(Lockout.source("2001:db8:1:2:aaaa::1")).isEqualTo(Lockout.source("[2001:db8:1:2:ffff::9%eth0]"))
                .isEqualTo("2001:0db8:0001:0002::/64");
        assertThat(Lockout.source("2001:db8:1:3::1")).isNotEqualTo(Lockout.source("2001:db8:1:2::1"));
        assertThat(Lockout.source("evil.example")).as("never looked up").isEqualTo("evil.example");
    }

    @Test
    void strangersRotatingAddressesGetAboutTheGlobalBudgetPerWindow() {
        // an attacker with endless addresses tries whenever it is let in, for one window
        int guesses = 0;
        int address = 0;
        Duration elapsed = Duration.ZERO;
        while (elapsed.compareTo(Lockout.GLOBAL_WINDOW) < 0) {
            String source = Lockout.source("198.18." + (address / 250) + "." + (address % 250));
            address++;
            Duration wait = lockout.lockedFor(source);
            if (wait.isZero()) {
                lockout.failure(source);
                guesses++;
                wait = Duration.ofMillis(10);
            }
            clock.advance(wait);
            elapsed = elapsed.plus(wait);
        }
        assertThat(guesses).as("guesses in %s", Lockout.GLOBAL_WINDOW).isBetween(Lockout.GLOBAL_FAILURES,
                Lockout.GLOBAL_FAILURES + 12);
    }

    @Test
    void theOwnersAddressIsNotHeldByStrangersFailures() {
        String owner = Lockout.source("198.51.100.7");
        lockout.success(owner);
        for (int i = 0; i <= Lockout.GLOBAL_FAILURES; i++) {
            lockout.failure(Lockout.source("203.0.113." + i));
        }
        assertThat(lockout.lockedFor(Lockout.source("192.0.2.1"))).as("a stranger").isPositive();
        assertThat(lockout.lockedFor(owner)).as("the owner").isZero();
        assertThat(lockout.state().globalDelay()).as("one failure beyond the budget").isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofHours(25));
        for (int i = 0; i <= Lockout.GLOBAL_FAILURES; i++) {
            lockout.failure(Lockout.source("203.0.114." + i));
        }
        assertThat(lockout.lockedFor(owner)).as("trust lasts a day").isPositive();
    }

    @Test
    void theGlobalDelayDoublesUpToFiveMinutes() {
        for (int i = 0; i < Lockout.GLOBAL_FAILURES + 30; i++) {
            lockout.failure(Lockout.source("203.0.113." + i));
        }
        assertThat(lockout.state().globalDelay()).isEqualTo(Lockout.GLOBAL_MAX_DELAY);
    }

    @Test
    void aQuietSourceStartsAgainFromTheShortLock() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < Lockout.MAX_FAILURES; i++) {
                lockout.failure(Lockout.LOOPBACK);
            }
            clock.advance(lockout.lockedFor(Lockout.LOOPBACK));
        }
        clock.advance(Lockout.FORGIVE.plusSeconds(1));
        for (int i = 0; i < Lockout.MAX_FAILURES; i++) {
            lockout.failure(Lockout.LOOPBACK);
        }
        assertThat(lockout.lockedFor(Lockout.LOOPBACK)).isEqualTo(Lockout.FIRST_LOCK);
    }

    @Test
    void locksNeverExceedFifteenMinutes() {
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < Lockout.MAX_FAILURES; i++) {
                lockout.failure(Lockout.LOOPBACK);
            }
            assertThat(lockout.lockedFor(Lockout.LOOPBACK)).isLessThanOrEqualTo(Lockout.MAX_LOCK);
            clock.advance(lockout.lockedFor(Lockout.LOOPBACK));
        }
    }

    @Test
    void theTablesStayBounded() {
        for (int i = 0; i < 25_000; i++) {
            lockout.failure("10.0." + (i / 250) + "." + (i % 250));
        }
        assertThat(lockout.size()).isLessThanOrEqualTo(10_000);
    }
}
