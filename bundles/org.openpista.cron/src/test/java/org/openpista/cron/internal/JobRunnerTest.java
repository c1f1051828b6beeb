package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.cron.CronJobSpec;

class JobRunnerTest {

    /** A channel adapter that keeps what it delivers, or fails. */
    record Channel(String id, List<String> delivered, RuntimeException failure) implements ChannelAdapter {
        @Override
        public String status() {
            return "running";
        }

        @Override
        public void deliver(String target, String text) {
            if (failure != null) {
                throw failure;
            }
            delivered.add(target + "=" + text);
        }
    }

    final List<String> outcomes = new CopyOnWriteArrayList<>();
    final List<ChannelAdapter> channels = new ArrayList<>();

    JobRunner runner(AgentGateway gateway) {
        return new JobRunner(gateway, () -> channels, (job, outcome) -> outcomes.add(job.id + ": " + outcome));
    }

    /** A gateway that answers every message at once, or refuses it. */
    static AgentGateway answering(String answer, RuntimeException refusal) {
        return new AgentGateway() {
            @Override
            public TurnHandle submit(InboundMessage message, ReplySink sink) {
                if (refusal != null) {
                    throw refusal;
                }
                sink.reply(answer == null ? AgentReply.failure("s1", "the model is down") : AgentReply.answer("s1", answer));
                return null;
            }

            @Override
            public int cancel(String sessionId) {
                return 0;
            }
        };
    }

    @Test
    void aJobWithoutChannelTalksInItsOwnCronConversation() {
        InboundMessage message = JobRunner.message("ab12", new CronJobSpec("@daily", "report", "", "", ""));

        assertThat(message.channel()).isEqualTo("cron");
        assertThat(message.conversationKey()).isEqualTo("cron:ab12");
        assertThat(message.sessionId()).isNull();
        assertThat(message.text()).isEqualTo("report");
        assertThat(message.metadata()).isEqualTo(Map.of("cron.job", "ab12"));
    }

    @Test
    void aJobWithChannelTalksInTheConversationWithItsTargetAndSession() {
        InboundMessage message = JobRunner.message("ab12", new CronJobSpec("@daily", "news", "ops", "telegram", "42"));

        assertThat(message.channel()).isEqualTo("telegram");
        assertThat(message.conversationKey()).isEqualTo("telegram:42");
        assertThat(message.sessionId()).isEqualTo("ops");
    }

    @Test
    void theAnswerIsDeliveredThroughTheJobsChannel() {
        List<String> delivered = new ArrayList<>();
        channels.add(new Channel("web", new ArrayList<>(), null));
        channels.add(new Channel("telegram", delivered, null));

        runner(answering("headlines", null)).run(new ScheduledJob("j1", new CronJobSpec("@daily", "news", "", "telegram", "42"),
                true));

        assertThat(delivered).containsExactly("42=headlines");
        assertThat(outcomes).containsExactly("j1: answered and delivered to telegram:42");
    }

    @Test
    void aFailedDeliveryOrAMissingChannelIsTheOutcome() {
        channels.add(new Channel("telegram", new ArrayList<>(), new IllegalStateException("not running: off")));
        JobRunner runner = runner(answering("x", null));

        assertThat(runner.deliver("j1", new CronJobSpec("@daily", "news", "", "telegram", "42"), "x"))
                .isEqualTo("answered, but delivery through telegram failed: not running: off");
        assertThat(runner.deliver("j1", new CronJobSpec("@daily", "news", "", "whatsapp", "+1"), "x"))
                .isEqualTo("answered, but the channel whatsapp is not running, so it was not delivered");
    }

    @Test
    void anAnswerWithoutChannelOrAFailedTurnIsTheOutcome() {
        runner(answering("fine", null)).run(new ScheduledJob("j1", new CronJobSpec("@daily", "x", "", "", ""), true));
        runner(answering(null, null)).run(new ScheduledJob("j2", new CronJobSpec("@daily", "x", "", "telegram", "1"), true));

        assertThat(outcomes).containsExactly("j1: answered in session s1", "j2: failed: the model is down");
    }

    @Test
    void aRefusedSubmissionIsAFailedRun() {
        runner(answering("x", new IllegalStateException("the agent is stopping")))
                .run(new ScheduledJob("j1", new CronJobSpec("@daily", "x", "", "", ""), true));

        assertThat(outcomes).containsExactly("j1: failed: could not submit: the agent is stopping");
    }
}
