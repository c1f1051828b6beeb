package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.TurnQueue.Start;

/**
 * A process that uses the store as a daemon in the middle of a turn does, until it is killed:
 * starts the turn of one message of a session and queues another behind it, then says
 * {@code HOLDING} and waits. Run by {@link KilledProcessTest} as a child JVM.
 */
public final class QueueHolder {

    private QueueHolder() {}

    public static void main(String[] args) throws InterruptedException {
        SqliteConversationStore store = new SqliteConversationStore(Path.of(args[0]));
        QueuedMessage running = store.enqueue("shared", InboundMessage.text("web", "web:c1", null, "running"));
        if (store.start(running.id()) != Start.STARTED) {
            throw new IllegalStateException("the session was not free");
        }
        store.enqueue("shared", InboundMessage.text("web", "web:c1", null, "queued"));
        System.out.println("HOLDING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
