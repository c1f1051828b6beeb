package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitingMessageQueueTest {

    @Test
    void messagesComeOutInTheOrderTheyCameIn() {
        WaitingMessageQueue queue = new WaitingMessageQueue(Duration.ofMillis(1));
        queue.add("{\"type\":\"hello\"}");
        queue.add("{\"type\":\"events_api\"}");

        assertThat(queue.poll()).isEqualTo("{\"type\":\"hello\"}");
        assertThat(queue.poll()).isEqualTo("{\"type\":\"events_api\"}");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aWaitingPollTakesTheMessageThatArrivesWhileItWaits() throws Exception {
        WaitingMessageQueue queue = new WaitingMessageQueue(Duration.ofMinutes(5));
        CompletableFuture<String> taken = new CompletableFuture<>();
        Thread processor = new Thread(() -> taken.complete(queue.poll()));
        processor.start();
        while (processor.isAlive() && processor.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }

        queue.add("{\"type\":\"events_api\"}");

        assertThat(taken.get()).isEqualTo("{\"type\":\"events_api\"}");
    }

    @Test
    void anInterruptedPollReturnsNothingAndKeepsTheInterruptSoTheSdkCanStopItsThread() throws Exception {
        WaitingMessageQueue queue = new WaitingMessageQueue(Duration.ofMinutes(5));
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        CompletableFuture<String> taken = new CompletableFuture<>();
        Thread processor = new Thread(() -> {
            taken.complete(queue.poll());
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        processor.start();
        while (processor.isAlive() && processor.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }

        processor.interrupt();

        assertThat(taken.get()).isNull();
        assertThat(stillInterrupted.get()).isTrue();
    }
}
