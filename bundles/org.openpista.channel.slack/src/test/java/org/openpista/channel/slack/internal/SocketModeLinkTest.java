package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpista.channel.slack.internal.SlackChannelTest.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.channel.support.InFlight;
import org.openpista.channel.support.ScriptedGateway;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeSlackServer.Delivery;

/**
 * Socket Mode against the fake Slack's WebSocket: acknowledgements, Slack's disconnect, a dropped
 * connection, a silent one.
 */
class SocketModeLinkTest {

    private static final String OWNER = "U0OWNER";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SocketModeLink.Keeping QUICK = new SocketModeLink.Keeping(Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofMillis(50));

    @TempDir
    Path home;

    final FakeSlackServer slack = new FakeSlackServer(SlackConfigs.BOT_TOKEN, SlackConfigs.APP_TOKEN,
            SlackConfigs.SIGNING_SECRET);
    final ScriptedGateway gateway = new ScriptedGateway();
    final SlackApi api = new SlackApi(slack.apiUrl(), SlackConfigs.BOT_TOKEN, Duration.ofMillis(10));
    SocketModeLink link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        api.close();
        gateway.close();
        slack.close();
    }

    SocketModeLink open(SocketModeLink.Keeping keeping) throws Exception {
        return open(keeping, SocketConnection.MAX_MESSAGE);
    }

    SocketModeLink open(SocketModeLink.Keeping keeping, int maxMessage) throws Exception {
        SlackSettings settings = SlackSettings.from(SlackConfigs.config("socket", slack.apiUrl(), new String[] {OWNER},
                new String[0]));
        Approvals approvals = new Approvals(api, settings::allowsUser);
        MessageHandler handler = new MessageHandler(api, gateway, settings, api.authTest(), approvals, new Mrkdwn(),
                new InFlight(), Clock.systemUTC());
        link = new SocketModeLink(api, SlackConfigs.APP_TOKEN, new SlackEvents(handler, approvals,
                new EventLedger(home.resolve("events.txt"))), keeping, maxMessage);
        await("hello", () -> link.connections() == 1 && link.connectedSince() != null);
        return link;
    }

    @Test
    void envelopesAreAcknowledgedWithTheirIdOnceHandedOver() throws Exception {
        open(QUICK);

        slack.userSendsDm(OWNER, "one");
        slack.userSendsDm(OWNER, "two");

        slack.awaitBotMessages("D" + OWNER, 2, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(gateway.texts()).containsExactly("one", "two");
        assertThat(slack.deliveries()).filteredOn(delivery -> delivery.transport().equals("socket"))
                .extracting(Delivery::status, Delivery::retryAttempt).contains(org.assertj.core.groups.Tuple.tuple(200, 0));
        assertThat(slack.deliveries()).allMatch(delivery -> delivery.retryAttempt() == 0, "none sent twice");
        assertThat(slack.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void slacksDisconnectIsFollowedByANewConnectionWithANewUrl() throws Exception {
        open(SocketModeLink.Keeping.sdk(Duration.ofMillis(50)));

        slack.requestRefresh();

        await("a second connection", () -> slack.connectionsOpened() == 2 && link.connections() == 2 && slack.connected());
        assertThat(slack.calls("apps.connections.open")).hasSize(2);
        slack.userSendsDm(OWNER, "after the refresh");
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 0);
    }

    @Test
    void aDroppedConnectionIsOpenedAgainAfterAPauseThatGrowsWhileSlackCannotBeReached() throws Exception {
        open(QUICK);
        slack.failNext("apps.connections.open", FakeSlackServer.Failure.status(503), FakeSlackServer.Failure.disconnect());

        slack.dropConnection();
        slack.userSendsDm(OWNER, "while away");

        await("connected again", () -> slack.connectionsOpened() == 2 && slack.connected());
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(slack.calls("apps.connections.open")).extracting(FakeSlackServer.Call::status).containsExactly(200, 503, 0,
                200);
        assertThat(gateway.texts()).containsExactly("while away");
    }

    @Test
    void aConnectionThatGoesSilentIsNoticedByItsMissingPongAndReplaced() throws Exception {
        open(QUICK);

        slack.stallConnection();
        slack.userSendsDm(OWNER, "into the void");

        await("a new connection", () -> slack.connectionsOpened() == 2 && slack.connected());
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(gateway.texts()).containsExactly("into the void");
    }

    @Test
    void aMessageOverTheLimitIsSkippedAndTheConnectionKept() throws Exception {
        open(QUICK, 16 * 1024);

        slack.userSendsDm(OWNER, "x".repeat(30_000));
        slack.userSendsDm(OWNER, "a small one");

        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 1);
        assertThat(gateway.texts()).containsExactly("a small one");
        assertThat(slack.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void messagesWithoutTheFieldsOfAnEnvelopeNeitherEndTheConnectionNorStopTheNext() throws Exception {
        open(QUICK);

        for (String strange : new String[] {"null", "42", "[]", "\"text\"", "{}", "{\"type\":\"events_api\"}",
                "{\"type\":\"events_api\",\"envelope_id\":\"e-1\",\"payload\":{\"event\":{\"type\":\"message\"}}}",
                "{\"type\":\"interactive\",\"envelope_id\":\"e-2\",\"payload\":[]}", "{\"type\":\"disconnect\""}) {
            slack.sendOverSocket(strange);
        }
        slack.userSendsDm(OWNER, "still there");

        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        await("acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(gateway.texts()).containsExactly("still there");
        assertThat(slack.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void closingSaysGoodbyeAndStopsReconnecting() throws Exception {
        open(QUICK);

        link.close();

        await("closed", () -> !slack.connected());
        Thread.sleep(500);
        assertThat(slack.connectionsOpened()).isEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("slack-socket-mode"));
        link = null;
    }
}
