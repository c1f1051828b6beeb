package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeDiscordServer.Call;

/** Rate limit buckets kept ahead of, against the fake Discord's per-route limits. */
class RateLimitsTest {

    private static final String ONE = "1400000000000000001";
    private static final String TWO = "1400000000000000002";

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN, ONE, TWO);
    final DiscordRest rest = new DiscordRest(HttpClient.newHttpClient(), discord.apiUrl(), DiscordConfigs.TOKEN);

    @AfterEach
    void stop() {
        rest.close();
        discord.close();
    }

    @Test
    void routesKeepTheirMajorParametersAndNotTheOthers() {
        RateLimits.Route edit = RateLimits.Route.of("PATCH", "/channels/" + ONE + "/messages/1500000000000000001");
        assertThat(edit).isEqualTo(RateLimits.Route.of("PATCH", "/channels/" + ONE + "/messages/1500000000000000002"));
        assertThat(edit.template()).isEqualTo("PATCH /channels/{major}/messages/{id}");
        assertThat(edit.major()).isEqualTo(ONE + "/");
        assertThat(edit).isNotEqualTo(RateLimits.Route.of("PATCH", "/channels/" + TWO + "/messages/1500000000000000001"));
        assertThat(RateLimits.Route.of("GET", "/channels/" + ONE + "/messages?after=1&limit=100"))
                .isEqualTo(RateLimits.Route.of("GET", "/channels/" + ONE + "/messages"));
        RateLimits.Route followUp = RateLimits.Route.of("POST", "/webhooks/1100000000000000002/secret-token");
        assertThat(followUp.major()).isEqualTo("1100000000000000002/secret-token/");
        assertThat(followUp).hasToString("POST /webhooks/{major}/{major}");
        assertThat(RateLimits.Route.of("PUT", "/applications/1100000000000000002/commands").template())
                .isEqualTo("PUT /applications/{id}/commands");
        assertThat(RateLimits.Route.of("GET", "/users/@me").template()).isEqualTo("GET /users/@me");
    }

    @Test
    void aBurstOnOneChannelWaitsForTheResetInsteadOfBeingRefused() {
        discord.rateLimit(5, Duration.ofSeconds(1));
        long start = System.nanoTime();

        for (int i = 1; i <= 12; i++) {
            rest.send(ONE, "message " + i);
        }

        // 5 in the first window, 5 in the second, 2 in the third: two resets waited for
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(discord.botMessages(ONE)).hasSize(12);
        assertThat(discord.calls()).extracting(Call::status).doesNotContain(429);
    }

    @Test
    void anotherChannelIsNotHeldByOneThatWaits() throws Exception {
        discord.rateLimit(2, Duration.ofSeconds(3));
        rest.send(ONE, "one");
        rest.send(ONE, "two");
        CompletableFuture<JsonNode> third = CompletableFuture.supplyAsync(() -> rest.send(ONE, "three"));
        Thread.sleep(200);

        long start = System.nanoTime();
        rest.send(TWO, "elsewhere");
        rest.send(TWO, "elsewhere again");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(third).isNotDone();
        assertThat(third.get(10, TimeUnit.SECONDS).path("content").asText()).isEqualTo("three");
        assertThat(discord.calls()).extracting(Call::status).doesNotContain(429);
    }

    @Test
    void closingEndsTheWaitsAtOnce() throws Exception {
        discord.rateLimit(1, Duration.ofSeconds(60));
        rest.send(ONE, "one");
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> rest.send(ONE, "never"));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();

        long start = System.nanoTime();
        rest.close();

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(discord.botMessages(ONE)).extracting(FakeDiscordServer.Message::content).containsExactly("one");
    }

    @Test
    void aRefusedRequestHoldsItsBucketForRetryAfter() {
        RateLimits limits = new RateLimits();
        RateLimits.Route route = RateLimits.Route.of("POST", "/channels/" + ONE + "/messages");
        // taken before the answer: a pause between the two (a loaded machine) must not shorten the wait seen
        long start = System.nanoTime();
        limits.answered(limits.acquire(route), headers(Map.of()), 300, false);

        assertThat(limits.tryAcquire(route)).isNull();
        assertThat(limits.tryAcquire(RateLimits.Route.of("POST", "/channels/" + TWO + "/messages"))).isNotNull();
        limits.acquire(route);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void bucketsAreForgottenAfterTheirReset() throws Exception {
        // kept 500 ms: the loop below may take a while on a loaded machine before anything is forgotten
        RateLimits limits = new RateLimits(Duration.ofMillis(500));
        HttpHeaders window = headers(Map.of("X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "4",
                "X-RateLimit-Reset-After", "0.010", "X-RateLimit-Bucket", "abc"));
        for (int i = 0; i < 500; i++) {
            RateLimits.Route route = RateLimits.Route.of("POST", "/channels/" + (1400000000000000001L + i) + "/messages");
            limits.answered(limits.acquire(route), window, -1, false);
        }
        assertThat(limits.size()).isGreaterThan(100);
        Thread.sleep(1_100);

        limits.release(limits.acquire(RateLimits.Route.of("GET", "/users/@me")));

        assertThat(limits.size()).isLessThanOrEqualTo(2);
    }

    static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> lists = new java.util.HashMap<>();
        values.forEach((name, value) -> lists.put(name, List.of(value)));
        return HttpHeaders.of(lists, (name, value) -> true);
    }
}
