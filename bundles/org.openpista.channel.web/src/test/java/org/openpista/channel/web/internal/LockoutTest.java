package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpista.channel.web.internal.SecurityTest.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The login lockout (issue #13, item 7): what strangers and local processes can and cannot do to
 * the owner's logins, over real HTTP and WebSocket connections, and the rules themselves on the
 * real {@link Lockout} with a clock the test moves.
 */
class LockoutTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String authBody(String token) {
        return Frames.text(Frames.JSON.createObjectNode().put("token", token).put("client_id", "x"));
    }

    int postAuth(String token) throws Exception {
        return server.post("/auth", authBody(token), Map.of()).statusCode();
    }

    void fail(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertThat(postAuth("guess-" + i)).isEqualTo(401);
        }
    }

    @Nested
    class OverHttp {

        @Test
        void tenFailuresLockTheSourceForHalfAMinuteEvenWithTheRightToken() throws Exception {
            fail(10);
            HttpResponse<String> locked = server.post("/auth", authBody(TestServer.TOKEN), Map.of());
            assertThat(locked.statusCode()).as("even the right token").isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of()))).isEqualTo(429);
            server.clock.advance(Duration.ofSeconds(29));
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
            server.clock.advance(Duration.ofSeconds(2));
            assertThat(postAuth(TestServer.TOKEN)).as("10 requests cost the owner 30 s, not minutes").isEqualTo(200);
        }

        @Test
        void locksGrowWhileTheFailuresGoOn() throws Exception {
            fail(10);
            server.clock.advance(Duration.ofSeconds(31));
            fail(10);
            assertThat(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).headers().firstValue("Retry-After"))
                    .hasValue("60");
            server.clock.advance(Duration.ofSeconds(61));
            fail(10);
            assertThat(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).headers().firstValue("Retry-After"))
                    .hasValue("120");
        }

        @Test
        void rotatingLoopbackAddressesDoesNotDodgeTheLockout() throws Exception {
            // the attack of the issue: guesses from ever new addresses of 127/8
            for (int i = 2; i < 12; i++) {
                String head = server.rawPost("/auth", authBody("guess-" + i), InetAddress.getByName("127.0.0." + i));
                assertThat(status(head)).isEqualTo(401);
            }
            String fresh = server.rawPost("/auth", authBody("guess"), InetAddress.getByName("127.3.2.1"));
            assertThat(status(fresh)).as("a new loopback address is the same source").isEqualTo(429);
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
        }

        @Test
        void aBrowserThatLoggedInBeforeKeepsWorkingDuringALockout() throws Exception {
            String sessionToken = Frames.JSON.readTree(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).body())
                    .path("session_token").asText();
            fail(10);
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
            try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", sessionToken, "client_id", "x")))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
            assertThat(status(server.rawUpgrade("/ws?session_token=" + "ab".repeat(32), Map.of())))
                    .as("a wrong session token during the lock").isEqualTo(429);
        }

        @Test
        void staleSessionTokensDoNotCountTowardsTheLockout() throws Exception {
            // after a restart every tab comes back with a session token the server no longer knows
            for (int i = 0; i < 15; i++) {
                assertThat(status(server.rawUpgrade("/ws?session_token=" + "cd".repeat(32), Map.of()))).isEqualTo(401);
            }
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(200);
        }

        @Test
        void failedUpgradesAndAuthFramesCountToo() throws Exception {
            for (int i = 0; i < 5; i++) {
                assertThat(status(server.rawUpgrade("/ws?token=guess", Map.of()))).isEqualTo(401);
            }
            try (WsClient client = server.client("c")) {
                for (int i = 0; i < 5; i++) {
                    client.frame("auth", "token", "guess");
                    assertThat(client.next("auth_result").path("success").asBoolean()).isFalse();
                }
                client.frame("auth", "token", TestServer.TOKEN);
                JsonNode locked = client.next("auth_result");
                assertThat(locked.path("success").asBoolean()).isFalse();
                assertThat(locked.path("error").asText()).contains("Too many failed attempts");
                assertThat(client.awaitClose()).isEqualTo(1008);
            }
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of()))).isEqualTo(429);
        }

        @Test
        void theOwnerUnlocksFromTheTerminal() throws Exception {
            fail(10);
            WebCommands commands = new WebCommands();
            commands.chat = server.chat;
            assertThat(commands.web()).contains("lockouts: loopback for 30 s").contains("failed logins in the last 10 min: 10");
            assertThat(commands.web("unlock")).isEqualTo("Lifted the lockout of loopback; forgot 10 failed logins.\n");
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(200);
            assertThat(commands.web("status")).contains("lockouts: none").contains("failed logins in the last 10 min: 0");
            assertThat(commands.web("unlock")).isEqualTo("No login was locked; forgot 0 failed logins.\n");
            assertThatThrownBy(() -> commands.web("open")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("openpista:web [status | unlock]");
            commands.chat = null;
            assertThatThrownBy(() -> commands.web("unlock")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the web chat does not serve in this daemon (not running); nothing is locked");
        }
    }

    @Nested
    class Rules {

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
}
