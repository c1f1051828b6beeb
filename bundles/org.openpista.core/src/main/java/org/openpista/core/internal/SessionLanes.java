package org.openpista.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.openpista.api.admin.SessionActivity;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.TurnQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each session's turns one at a time, in the order their messages were queued, while
 * different sessions run in parallel: one lane per session, drained by a thread while it has
 * turns. A message is in the store's {@link TurnQueue} before {@link #submit} returns, so a crash
 * does not lose it; and a turn starts only when the queue says it is the session's turn, which
 * holds it back while another openpista process runs a turn of the same session (or has an older
 * message for it). A lane orders its turns by queue entry, so messages adopted from a process
 * that died go before newer ones.
 */
final class SessionLanes {

    static final String SHUTTING_DOWN = "openpista is shutting down; the message was not processed";

    private static final Logger LOG = LoggerFactory.getLogger(SessionLanes.class);
    /** Longest pause between two looks at a session another process holds. */
    private static final long MAX_PAUSE_MILLIS = 200;

    /** The queue of one session; its turns run one at a time. */
    static final class Lane {
        final String sessionId;
        final PriorityQueue<PendingTurn> queue = new PriorityQueue<>(Comparator.comparingLong(p -> p.entryId));
        PendingTurn current;
        boolean running;
        boolean retired;

        Lane(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final TurnQueue queue;
    private final Function<Turn, AgentReply> runner;
    private final ExecutorService executor;
    private volatile boolean closed;

    /**
     * @param queue the store's queue
     * @param runner answers a turn whose message the queue has moved into its session
     */
    SessionLanes(TurnQueue queue, Function<Turn, AgentReply> runner) {
        this.queue = queue;
        this.runner = runner;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "openpista-turn-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Stores a message in the turn queue and queues its turn.
     *
     * @throws StoreException when the message cannot be stored; it is not queued then
     */
    PendingTurn submit(String sessionId, InboundMessage message, ReplySink sink) {
        return add(sessionId, message, sink, () -> queue.enqueue(sessionId, message).id(), false);
    }

    /**
     * Queues the turn of a message already in the turn queue (adopted from a process that ended).
     * When this process is stopping, the message is left in the queue for the next one.
     */
    void resume(QueuedMessage entry, ReplySink sink) {
        add(entry.sessionId(), entry.message(), sink, entry::id, true);
    }

    private PendingTurn add(String sessionId, InboundMessage message, ReplySink sink, LongSupplier entry,
            boolean adopted) {
        Turn turn = new Turn(sessionId, message, sink, new Cancellation());
        if (closed) {
            PendingTurn refused = new PendingTurn(this, turn, -1, adopted);
            if (adopted) {
                refused.leave();
            } else {
                refused.finish(AgentReply.failure(sessionId, SHUTTING_DOWN));
            }
            return refused;
        }
        while (true) {
            Lane lane = lanes.computeIfAbsent(sessionId, Lane::new);
            PendingTurn pending;
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                try {
                    // inside the lane's lock: entries of a session are numbered in the order of its lane
                    pending = new PendingTurn(this, turn, entry.getAsLong(), adopted);
                } catch (RuntimeException e) {
                    retireIfIdle(lane);
                    throw e;
                }
                pending.lane = lane;
                lane.queue.add(pending);
                if (lane.running) {
                    return pending;
                }
                lane.running = true;
                try {
                    executor.execute(() -> drain(lane));
                    return pending;
                } catch (RejectedExecutionException stopped) {
                    lane.queue.remove(pending);
                    lane.running = false;
                    retireIfIdle(lane);
                }
            }
            stopBeforeItsTurn(pending);
            return pending;
        }
    }

    /**
     * Drops a turn that has not started, telling its channel why.
     *
     * @return whether it was still queued
     */
    boolean dropQueued(PendingTurn pending, String why) {
        Lane lane = pending.lane;
        if (lane == null) {
            return false;
        }
        synchronized (lane) {
            if (!lane.queue.remove(pending)) {
                return false;
            }
        }
        withdrawQuietly(pending);
        pending.turn.cancellation().cancel();
        pending.finish(AgentReply.failure(pending.sessionId(), why));
        return true;
    }

    /** @return how many of the session's running and queued turns were cancelled */
    int cancel(String sessionId) {
        Lane lane = lanes.get(sessionId);
        if (lane == null) {
            return 0;
        }
        List<PendingTurn> toCancel;
        synchronized (lane) {
            toCancel = new ArrayList<>(lane.queue);
            if (lane.current != null) {
                toCancel.add(lane.current);
            }
        }
        int count = 0;
        for (PendingTurn pending : toCancel) {
            if (pending.cancel()) {
                count++;
            }
        }
        return count;
    }

    /** @return the sessions with a running or queued turn, and since when */
    List<SessionActivity> activity() {
        List<SessionActivity> activity = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                PendingTurn current = lane.current;
                PendingTurn first = current != null ? current : lane.queue.peek();
                if (first == null) {
                    continue;
                }
                activity.add(new SessionActivity(lane.sessionId, first.turn.message().channel(),
                        current == null ? null : current.startedAt, lane.queue.size()));
            }
        }
        activity.sort(Comparator.comparing(SessionActivity::sessionId));
        return activity;
    }

    long finished() {
        return finished.get();
    }

    long failed() {
        return failed.get();
    }

    /**
     * Stops accepting turns; queued ones are dropped (and told), running ones get the grace period
     * to finish and are cancelled after it.
     */
    void close(Duration grace) {
        closed = true;
        List<PendingTurn> queued = new ArrayList<>();
        List<PendingTurn> running = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                queued.addAll(lane.queue);
                lane.queue.clear();
                if (lane.current != null) {
                    running.add(lane.current);
                }
            }
        }
        for (PendingTurn pending : queued) {
            pending.turn.cancellation().cancel();
            stopBeforeItsTurn(pending);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (PendingTurn pending : running) {
            long left = deadline - System.nanoTime();
            try {
                pending.future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                LOG.warn("Cancelling the turn of session {} after the shutdown grace period", pending.sessionId());
                pending.turn.cancellation().cancel();
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void drain(Lane lane) {
        while (true) {
            PendingTurn next;
            synchronized (lane) {
                next = lane.queue.poll();
                lane.current = next;
                if (next == null) {
                    lane.running = false;
                    retireIfIdle(lane);
                    return;
                }
            }
            AgentReply reply = run(next);
            if (reply == null) {
                next.leave();
                continue;
            }
            finished.incrementAndGet();
            if (reply.error()) {
                failed.incrementAndGet();
            }
            next.finish(reply);
        }
    }

    /** @return the turn's reply, or {@code null} for an adopted message left to the next process */
    private AgentReply run(PendingTurn pending) {
        String sessionId = pending.sessionId();
        TurnQueue.Start start;
        try {
            start = awaitTurn(pending);
        } catch (StoreException e) {
            LOG.error("Memory failure when starting a turn in session {}", sessionId, e);
            withdrawQuietly(pending);
            return AgentReply.failure(sessionId, "memory error: " + e.getMessage());
        }
        if (start == null && closed && pending.adopted) {
            return null;
        }
        if (start == null) {
            withdrawQuietly(pending);
            return AgentReply.failure(sessionId, closed ? SHUTTING_DOWN : AgentLoop.CANCELLED);
        }
        if (start == TurnQueue.Start.GONE) {
            return AgentReply.failure(sessionId, "another openpista process took this message over (it took this one "
                    + "for ended) and answers it there");
        }
        pending.startedAt = Instant.now();
        try {
            return runner.apply(pending.turn);
        } catch (RuntimeException | Error e) {
            // whatever fails, the turn ends with a reply: a thrown Error once left the session running for ever
            LOG.error("Turn in session {} failed", sessionId, e);
            return AgentReply.failure(sessionId, "internal error: " + ToolRegistryImpl.describe(e));
        } finally {
            // before the reply goes out: a crash in between must not report an answered message as unfinished
            try {
                queue.finish(pending.entryId);
            } catch (StoreException e) {
                LOG.warn("The turn of session {} is over but its queue entry stays: {}", sessionId, e.getMessage());
            }
        }
    }

    /**
     * Asks the queue until it is the session's turn.
     *
     * @return STARTED or GONE, or {@code null} when the turn was cancelled or openpista stops first
     */
    private TurnQueue.Start awaitTurn(PendingTurn pending) {
        long pause = 5;
        boolean told = false;
        while (!closed && !pending.turn.cancellation().isCancelled()) {
            TurnQueue.Start start = queue.start(pending.entryId);
            if (start != TurnQueue.Start.WAIT) {
                return start;
            }
            if (!told) {
                LOG.info("Session {} is busy in another openpista process; the message waits for its turn",
                        pending.sessionId());
                told = true;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
        return null;
    }

    /**
     * A turn that will not run because this process stops: a message submitted here is dropped and
     * its channel told; an adopted one stays in the queue, untold, for the next process.
     */
    private void stopBeforeItsTurn(PendingTurn pending) {
        if (pending.adopted) {
            pending.leave();
        } else {
            withdrawQuietly(pending);
            pending.finish(AgentReply.failure(pending.sessionId(), SHUTTING_DOWN));
        }
    }

    /** Only with the lane's lock held. */
    private void retireIfIdle(Lane lane) {
        if (!lane.running && lane.queue.isEmpty()) {
            lane.retired = true;
            lanes.remove(lane.sessionId, lane);
        }
    }

    private void withdrawQuietly(PendingTurn pending) {
        try {
            queue.withdraw(pending.entryId);
        } catch (StoreException e) {
            LOG.warn("A dropped message of session {} stays in the queue: {}", pending.sessionId(), e.getMessage());
        }
    }
}
