package org.openpista.core.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.TurnQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what a process that died left in the turn queue: messages a channel acknowledged but
 * whose turn never ran are answered here, and a turn that was interrupted is reported as not
 * finished (it is not run again: its tools may already have acted). Only messages of channels
 * running in this process are taken, because their replies go out through the channel's {@link
 * ChannelAdapter#deliver}; the rest waits for a process that runs their channel. It looks when a
 * channel arrives and then every {@link #INTERVAL}, since a process elsewhere counts as ended only
 * once its heartbeat stopped.
 */
final class Recovery implements AutoCloseable {

    /** How often the queue is searched while channels run here. */
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final TurnQueue queue;
    private final SessionLanes lanes;
    private final Supplier<List<ChannelAdapter>> channels;
    private final ScheduledExecutorService timer;

    Recovery(TurnQueue queue, SessionLanes lanes, Supplier<List<ChannelAdapter>> channels) {
        this.queue = queue;
        this.lanes = lanes;
        this.channels = channels;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-recovery");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::adopt, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A channel arrived: what is left for it is adopted at once rather than at the next look. */
    void channelArrived() {
        try {
            timer.execute(this::adopt);
        } catch (RejectedExecutionException closed) {
            // stopping
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Adopts what ended processes left for the channels running here, and answers or reports it. */
    void adopt() {
        Map<String, ChannelAdapter> here = running();
        if (here.isEmpty()) {
            return;
        }
        List<QueuedMessage> adopted;
        try {
            adopted = queue.adopt(here.keySet());
        } catch (StoreException e) {
            LOG.warn("Cannot look for messages left by an ended openpista process: {}", e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.error("Looking for messages left by an ended openpista process failed", e);
            return;
        }
        for (QueuedMessage entry : adopted) {
            if (entry.interrupted()) {
                LOG.info("The turn of a message in session {} was interrupted when its openpista process ended; "
                        + "telling its channel", entry.sessionId());
                deliver(entry, "openpista stopped while answering \"" + AgentLoop.abbreviate(entry.message().text())
                        + "\"; the answer was not finished. Send the message again if you still need it.");
                try {
                    queue.finish(entry.id());
                } catch (StoreException e) {
                    LOG.warn("The interrupted message stays in the queue: {}", e.getMessage());
                }
            } else {
                LOG.info("A message of session {} was left unanswered when its openpista process ended; answering it",
                        entry.sessionId());
                lanes.resume(entry, new Delivery(entry));
            }
        }
    }

    private Map<String, ChannelAdapter> running() {
        Map<String, ChannelAdapter> byId = new LinkedHashMap<>();
        for (ChannelAdapter channel : channels.get()) {
            try {
                byId.putIfAbsent(channel.id(), channel);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("A channel vanished while being looked at", e);
            }
        }
        return byId;
    }

    /** Sends a line to the conversation of a message through its channel, as it runs now. */
    private void deliver(QueuedMessage entry, String text) {
        String channelId = entry.message().channel();
        ChannelAdapter channel = running().get(channelId);
        String target = target(channelId, entry.message().conversationKey());
        if (channel == null) {
            LOG.info("The {} channel stopped; the answer for {} stays in session {}", channelId, target,
                    entry.sessionId());
            return;
        }
        try {
            channel.deliver(target, text);
        } catch (Exception e) {
            LOG.info("The {} channel cannot reach {} now ({}); the answer stays in session {}", channelId, target,
                    e.getMessage(), entry.sessionId());
        }
    }

    /** @return the conversation in the channel's own terms: the key without its {@code channel:} prefix */
    static String target(String channel, String conversationKey) {
        String prefix = channel + ":";
        return conversationKey.startsWith(prefix) ? conversationKey.substring(prefix.length()) : conversationKey;
    }

    /** Where the answer of an adopted message goes: its channel, as a message nobody is waiting on. */
    private final class Delivery implements ReplySink {
        private final QueuedMessage entry;

        Delivery(QueuedMessage entry) {
            this.entry = entry;
        }

        @Override
        public void reply(AgentReply reply) {
            deliver(entry, reply.error()
                    ? "Your message \"" + AgentLoop.abbreviate(entry.message().text()) + "\" could not be answered: "
                            + reply.text()
                    : reply.text());
        }
    }
}
