package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.cron.CronJob;
import org.openpista.api.cron.CronJobSpec;

class CronSchedulerTest {

    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path home;

    /** A gateway that keeps submitted turns open until the test answers them. */
    static final class HeldGateway implements AgentGateway {
        record Submitted(InboundMessage message, ReplySink sink) {
            void answer(String text) {
                sink.reply(AgentReply.answer(message.sessionId() == null ? message.conversationKey() : message.sessionId(), text));
            }
        }

        final List<Submitted> submitted = new CopyOnWriteArrayList<>();

        @Override
        public TurnHandle submit(InboundMessage message, ReplySink sink) {
            submitted.add(new Submitted(message, sink));
            CompletableFuture<AgentReply> never = new CompletableFuture<>();
            return new TurnHandle() {
                @Override
                public String sessionId() {
                    return message.sessionId();
                }

                @Override
                public CompletionStage<AgentReply> completion() {
                    return never;
                }

                @Override
                public boolean cancel() {
                    return false;
                }
            };
        }

        @Override
        public int cancel(String sessionId) {
            return 0;
        }
    }

    final HeldGateway gateway = new HeldGateway();

    CronScheduler scheduler(Instant now, String... jobs) {
        CronScheduler scheduler = new CronScheduler(gateway, home.resolve("cron.json"), Clock.fixed(now, ZoneOffset.UTC),
                ZoneId.of("UTC"), false);
        scheduler.configure(config(jobs));
        return scheduler;
    }

    static CronScheduler.Config config(String... jobs) {
        return (CronScheduler.Config) Proxy.newProxyInstance(CronScheduler.Config.class.getClassLoader(),
                new Class<?>[] {CronScheduler.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "jobs" -> jobs;
                    case "annotationType" -> CronScheduler.Config.class;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aDueJobSendsItsMessageToItsSession() {
        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"0 * * * *\",\"message\":\"hourly check\",\"session\":\"ops\"}");
        CronJob job = scheduler.jobs().get(0);
        assertThat(job.nextRun()).isEqualTo(T0.plusSeconds(3600));
        assertThat(job.fromConfig()).isTrue();

        scheduler.tick(T0.plusSeconds(1800));
        assertThat(gateway.submitted).isEmpty();
        scheduler.tick(T0.plusSeconds(3600));

        assertThat(gateway.submitted).singleElement().satisfies(turn -> {
            assertThat(turn.message().text()).isEqualTo("hourly check");
            assertThat(turn.message().sessionId()).isEqualTo("ops");
            assertThat(turn.message().channel()).isEqualTo("cron");
        });
        gateway.submitted.get(0).answer("all good");
        CronJob after = scheduler.jobs().get(0);
        assertThat(after.lastRun()).isEqualTo(T0.plusSeconds(3600));
        assertThat(after.lastOutcome()).isEqualTo("answered in session ops");
        assertThat(after.running()).isFalse();
        assertThat(after.nextRun()).isEqualTo(T0.plusSeconds(7200));
    }

    @Test
    void aJobStillRunningIsNotStartedTwice() {
        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"* * * * *\",\"message\":\"slow\"}");

        scheduler.tick(T0.plusSeconds(60));
        scheduler.tick(T0.plusSeconds(120));
        scheduler.tick(T0.plusSeconds(180));

        assertThat(gateway.submitted).hasSize(1);
        assertThat(scheduler.jobs().get(0).skippedRuns()).isEqualTo(2);
        assertThat(scheduler.jobs().get(0).running()).isTrue();
        gateway.submitted.get(0).answer("done");
        scheduler.tick(T0.plusSeconds(240));
        assertThat(gateway.submitted).hasSize(2);
        assertThat(gateway.submitted.get(0).message().conversationKey()).startsWith("cron:");
    }

    @Test
    void runsMissedWhileDownAreReportedNotReplayed() {
        String job = "{\"schedule\":\"*/10 * * * *\",\"message\":\"tick\"}";
        CronScheduler first = scheduler(T0, job);
        first.tick(T0.plusSeconds(600));
        gateway.submitted.get(0).answer("ok");
        first.deactivate();

        // down for an hour: five runs (10:20 … 10:50 past the hour, and 11:00) fell into the gap
        CronScheduler second = scheduler(T0.plusSeconds(600 + 3600 + 30), job);

        CronJob state = second.jobs().get(0);
        assertThat(state.missedRuns()).isEqualTo(6);
        assertThat(state.lastOutcome()).contains("missed 6 run(s)");
        assertThat(gateway.submitted).hasSize(1);
        assertThat(state.nextRun()).isEqualTo(T0.plusSeconds(600 + 3600 + 600));
    }

    @Test
    void aNewJobHasNoMissedRuns() {
        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"* * * * *\",\"message\":\"new\"}");

        assertThat(scheduler.jobs().get(0).missedRuns()).isZero();
    }

    @Test
    void jobsAddedAtRuntimeSurviveARestartAndCanBeRemoved() {
        CronScheduler scheduler = scheduler(T0);
        CronJob added = scheduler.add(new CronJobSpec("*/5 * * * * *", "ping", "", "", ""));
        assertThat(added.fromConfig()).isFalse();
        assertThat(added.nextRun()).isEqualTo(T0.plusSeconds(5));
        scheduler.deactivate();

        CronScheduler restarted = scheduler(T0.plusSeconds(1));
        assertThat(restarted.jobs()).extracting(CronJob::id).containsExactly(added.id());
        assertThat(restarted.remove(added.id())).isTrue();
        assertThat(restarted.remove(added.id())).isFalse();
        assertThat(restarted.jobs()).isEmpty();
        assertThat(scheduler(T0.plusSeconds(2)).jobs()).isEmpty();
    }

    @Test
    void configJobsCannotBeRemovedFromTheShell() {
        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"@daily\",\"message\":\"report\"}");
        String id = scheduler.jobs().get(0).id();

        assertThatThrownBy(() -> scheduler.remove(id)).hasMessageContaining("config.toml");
    }

    @Test
    void badJobsAreRefusedWithAReasonOrListedAsNeverRunning() {
        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"61 * * * *\",\"message\":\"bad\"}", "not json");

        assertThat(scheduler.jobs()).singleElement().satisfies(job -> {
            assertThat(job.nextRun()).isNull();
            assertThat(job.lastOutcome()).contains("invalid schedule").contains("minute 61");
        });
        assertThatThrownBy(() -> scheduler.add(new CronJobSpec("every day", "x", "", "", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 fields");
        assertThatThrownBy(() -> scheduler.add(new CronJobSpec("@daily", " ", "", "", "")))
                .hasMessageContaining("message is empty");
        assertThatThrownBy(() -> scheduler.add(new CronJobSpec("@daily", "x", "", "telegram", "")))
                .hasMessageContaining("target");
    }

    @Test
    void theAnswerIsDeliveredThroughTheNamedChannel() {
        CronScheduler scheduler = scheduler(T0,
                "{\"schedule\":\"* * * * *\",\"message\":\"news\",\"channel\":\"telegram\",\"target\":\"42\"}");
        List<String> delivered = new CopyOnWriteArrayList<>();
        scheduler.channels = List.of(new ChannelAdapter() {
            @Override
            public String id() {
                return "telegram";
            }

            @Override
            public String status() {
                return "polling";
            }

            @Override
            public void deliver(String target, String text) {
                delivered.add(target + "=" + text);
            }
        });

        scheduler.tick(T0.plusSeconds(60));
        InboundMessage message = gateway.submitted.get(0).message();
        gateway.submitted.get(0).answer("headlines");

        assertThat(message.channel()).isEqualTo("telegram");
        assertThat(message.conversationKey()).isEqualTo("telegram:42");
        assertThat(message.metadata()).containsEntry("cron.job", scheduler.jobs().get(0).id());
        assertThat(delivered).containsExactly("42=headlines");
        assertThat(scheduler.jobs().get(0).lastOutcome()).isEqualTo("answered and delivered to telegram:42");
    }

    @Test
    void aMissingChannelIsReportedInTheOutcome() {
        CronScheduler scheduler = scheduler(T0,
                "{\"schedule\":\"* * * * *\",\"message\":\"news\",\"channel\":\"whatsapp\",\"target\":\"+1\"}");

        scheduler.tick(T0.plusSeconds(60));
        gateway.submitted.get(0).answer("headlines");

        assertThat(scheduler.jobs().get(0).lastOutcome()).contains("whatsapp is not running");
    }

    @Test
    void anUnreadableStateFileIsSetAside() throws Exception {
        Files.writeString(home.resolve("cron.json"), "{ broken");

        CronScheduler scheduler = scheduler(T0, "{\"schedule\":\"@hourly\",\"message\":\"x\"}");

        assertThat(scheduler.jobs()).hasSize(1);
        assertThat(home.resolve("cron.json.broken")).hasContent("{ broken");
        assertThat(Files.readString(home.resolve("cron.json"))).contains("runs");
    }
}
