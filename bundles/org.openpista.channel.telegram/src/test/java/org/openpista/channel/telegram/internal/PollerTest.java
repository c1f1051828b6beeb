package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeTelegramServer;
import org.openpista.testkit.FakeTelegramServer.Failure;

/** The long-polling loop against the fake Bot API: offsets, backoff, retry_after, a revoked token, stopping. */
class PollerTest {

    private static final String TOKEN = "4242:poller-test-token";
    private static final long USER = 1001;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(300);

    @TempDir
    Path home;

    final FakeTelegramServer telegram = new FakeTelegramServer(TOKEN);
    final BotHttp http = new BotHttp();
    final List<String> handed = new CopyOnWriteArrayList<>();
    final CountDownLatch refused = new CountDownLatch(1);
    Poller poller;

    @AfterEach
    void close() {
        if (poller != null) {
            poller.close();
        }
        http.close();
        telegram.close();
    }

    Poller start() throws Exception {
        return start(1);
    }

    Poller start(int pollTimeoutSeconds) throws Exception {
        BotTransport transport = new BotTransport(http.calls(), TelegramSettings.telegramUrl(telegram.apiUrl()), TOKEN);
        poller = new Poller(transport.onOwnCalls(), pollTimeoutSeconds, new OffsetStore(home.resolve("offset")),
                update -> handed.add(update.getMessage().getText()), FIRST_BACKOFF, refused::countDown, id -> false);
        poller.start();
        return poller;
    }

    @Test
    void theOffsetAdvancesPastEachUpdateHandedOver() throws Exception {
        long first = telegram.userSends(USER, "one");
        telegram.userSends(USER, "two");
        start();

        await(() -> handed.size() == 2 && telegram.confirmedOffset() == first + 2);

        assertThat(handed).containsExactly("one", "two");
        assertThat(telegram.calls("deleteWebhook")).hasSize(1);
        long third = telegram.userSends(USER, "three");
        await(() -> handed.size() == 3 && telegram.confirmedOffset() == third + 1);
        List<FakeTelegramServer.Call> polls = telegram.calls("getUpdates");
        assertThat(polls.get(0).param("offset")).isIn("0", "");
        // answered polls only (the fake lists a poll once answered): the offset never goes back, and the
        // poll that brought "three" had acknowledged "one" and "two"
        List<Long> offsets = polls.stream().map(call -> call.param("offset").isEmpty() ? 0 : Long.parseLong(call.param("offset")))
                .toList();
        assertThat(offsets).isSorted().contains(third);
        assertThat(polls.get(0).param("timeout")).isEqualTo("1");
        assertThat(polls.get(0).jsonParam("allowed_updates").toString()).isEqualTo("[\"message\",\"callback_query\"]");
        assertThat(new OffsetStore(home.resolve("offset")).next()).isEqualTo(third + 1);
    }

    @Test
    void failedPollsBackOffAndA429WaitsItsRetryAfter() throws Exception {
        telegram.failNext("getUpdates", Failure.status(500, "Internal Server Error"), Failure.disconnect(),
                Failure.tooManyRequests(2));
        telegram.userSends(USER, "after the failures");
        Poller started = start();

        await(() -> handed.size() == 1);

        List<FakeTelegramServer.Call> polls = telegram.calls("getUpdates");
        assertThat(polls).extracting(FakeTelegramServer.Call::status).startsWith(500, 0, 429, 200);
        // 300 ms after the 500, 600 ms after the dropped connection, then retry_after (2 s) rather than 1.2 s
        assertThat(Duration.between(polls.get(0).at(), polls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(280));
        assertThat(Duration.between(polls.get(1).at(), polls.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(580));
        assertThat(Duration.between(polls.get(2).at(), polls.get(3).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1950));
        assertThat(started.lastProblem()).isNull();
    }

    @Test
    void aRefusedTokenStopsPollingAndSaysWhy() throws Exception {
        Poller started = start();
        await(() -> telegram.pollsStarted() >= 1);
        telegram.failNext("getUpdates", Failure.status(401, "Unauthorized"));

        assertThat(refused.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(started.lastProblem()).isEqualTo("401 Unauthorized");
        int polls = telegram.pollsStarted();
        Thread.sleep(1500);
        assertThat(telegram.pollsStarted()).isEqualTo(polls);
    }

    @Test
    void closingAbortsTheOpenLongPollAtOnce() throws Exception {
        Poller started = start(20);
        await(() -> telegram.pollsStarted() >= 1);
        long before = System.nanoTime();

        started.close();

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5)); // the poll would wait 20 s
        int polls = telegram.pollsStarted();
        Thread.sleep(1500);
        assertThat(telegram.pollsStarted()).isEqualTo(polls);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
