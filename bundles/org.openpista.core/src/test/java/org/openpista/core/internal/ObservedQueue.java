package org.openpista.core.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.TurnQueue;

/** The real turn queue, with a latch that opens the first time it answers {@code start} with WAIT. */
final class ObservedQueue implements TurnQueue {

    final CountDownLatch waited = new CountDownLatch(1);
    private final TurnQueue queue;

    ObservedQueue(TurnQueue queue) {
        this.queue = queue;
    }

    @Override
    public QueuedMessage enqueue(String sessionId, InboundMessage message) {
        return queue.enqueue(sessionId, message);
    }

    @Override
    public Start start(long id) {
        Start start = queue.start(id);
        if (start == Start.WAIT) {
            waited.countDown();
        }
        return start;
    }

    @Override
    public void finish(long id) {
        queue.finish(id);
    }

    @Override
    public boolean withdraw(long id) {
        return queue.withdraw(id);
    }

    @Override
    public List<QueuedMessage> adopt(Collection<String> channels) {
        return queue.adopt(channels);
    }
}
