package org.openpista.cron.internal;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.cron.CronJobSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a due job: its message goes to the agent as if the job's channel had received it, and when
 * the job names a channel and target, the answer is delivered there through that channel's
 * adapter. The outcome, one line for the shell, goes back to the scheduler.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final AgentGateway gateway;
    private final Supplier<List<ChannelAdapter>> channels;
    private final BiConsumer<ScheduledJob, String> finished;

    /**
     * @param channels the channel adapters running now
     * @param finished gets each job with its outcome once its turn is over
     */
    JobRunner(AgentGateway gateway, Supplier<List<ChannelAdapter>> channels, BiConsumer<ScheduledJob, String> finished) {
        this.gateway = gateway;
        this.channels = channels;
        this.finished = finished;
    }

    /** Submits the job's message; the answer arrives later, on the agent's thread. */
    void run(ScheduledJob job) {
        LOG.info("Cron job {} runs: \"{}\"", job.id, job.spec.message());
        try {
            gateway.submit(message(job.id, job.spec), new ReplySink() {
                @Override
                public void reply(AgentReply reply) {
                    answered(job, reply);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Cron job {} could not be submitted", job.id, e);
            answered(job, AgentReply.failure("", "could not submit: " + e.getMessage()));
        }
    }

    /**
     * @return the job's message, from channel {@code cron} in conversation {@code cron:<id>}, or from the
     *     job's channel in the conversation with its target, so the answer belongs to that chat
     */
    static InboundMessage message(String id, CronJobSpec spec) {
        boolean delivers = !spec.channel().isEmpty();
        String channel = delivers ? spec.channel() : "cron";
        String conversation = delivers && !spec.target().isEmpty() ? spec.channel() + ":" + spec.target() : "cron:" + id;
        return new InboundMessage(channel, conversation, spec.session().isEmpty() ? null : spec.session(), "cron",
                spec.message(), List.of(), Map.of("cron.job", id));
    }

    private void answered(ScheduledJob job, AgentReply reply) {
        String outcome = reply.error() ? "failed: " + reply.text() : "answered in session " + reply.sessionId();
        if (!reply.error() && !job.spec.channel().isEmpty()) {
            outcome = deliver(job.id, job.spec, reply.text());
        }
        finished.accept(job, outcome);
        LOG.info("Cron job {}: {}", job.id, outcome);
    }

    /** @return the outcome: delivered, or why not */
    String deliver(String id, CronJobSpec spec, String text) {
        String channel = spec.channel();
        for (ChannelAdapter adapter : channels.get()) {
            try {
                if (adapter.id().equals(channel)) {
                    adapter.deliver(spec.target(), text);
                    return "answered and delivered to " + channel + ":" + spec.target();
                }
            } catch (Exception | LinkageError e) {
                LOG.warn("Cron job {} could not deliver its answer through {}", id, channel, e);
                return "answered, but delivery through " + channel + " failed: " + e.getMessage();
            }
        }
        return "answered, but the channel " + channel + " is not running, so it was not delivered";
    }
}
