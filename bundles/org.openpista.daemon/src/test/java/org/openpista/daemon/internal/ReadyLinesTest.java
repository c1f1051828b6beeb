package org.openpista.daemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.ChannelAdapter;

class ReadyLinesTest {

    /** A channel without ready lines, as Telegram: its status says "connecting" throughout. */
    static class Quiet implements ChannelAdapter {
        @Override
        public String id() {
            return "quiet";
        }

        @Override
        public String status() {
            return "connecting (the network is down)";
        }

        @Override
        public void deliver(String target, String text) {}
    }

    /** A channel with a ready line once it settled, as the web chat's or Slack's. */
    static final class Settling extends Quiet {
        private final long settledAt;
        private final String line;

        Settling(Duration after, String line) {
            this.settledAt = System.nanoTime() + after.toNanos();
            this.line = line;
        }

        @Override
        public String status() {
            return System.nanoTime() < settledAt ? "starting" : "listening";
        }

        @Override
        public boolean hasReadyLines() {
            return true;
        }

        @Override
        public List<String> readyLines() {
            return System.nanoTime() < settledAt ? List.of() : List.of(line);
        }
    }

    @Test
    void aChannelWithoutReadyLinesIsNotWaitedFor() throws Exception {
        long start = System.nanoTime();

        List<String> lines = DaemonProcess.readyLines(List.of(new Quiet(), new Settling(Duration.ZERO, "web")),
                Duration.ofSeconds(5));

        assertThat(lines).containsExactly("web");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aChannelThatDoesNotSayItHasReadyLinesHasWhatItSaysAtOncePrintedWithoutAWait() throws Exception {
        ChannelAdapter olderPlugin = new Quiet() {
            @Override
            public List<String> readyLines() {
                return List.of("plugin: listening");
            }
        };
        long start = System.nanoTime();

        List<String> lines = DaemonProcess.readyLines(List.of(olderPlugin, new Settling(Duration.ZERO, "web")),
                Duration.ofSeconds(5));

        assertThat(lines).containsExactly("plugin: listening", "web");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aChannelWithReadyLinesIsWaitedForUntilItSettled() throws Exception {
        List<String> lines = DaemonProcess.readyLines(List.of(new Settling(Duration.ofMillis(300), "web"),
                new Settling(Duration.ofMillis(100), "mobile")), Duration.ofSeconds(10));

        assertThat(lines).containsExactly("web", "mobile");
    }

    @Test
    void channelsThatDoNotSettleShareOneDeadline() throws Exception {
        long start = System.nanoTime();

        List<String> lines = DaemonProcess.readyLines(List.of(new Settling(Duration.ofMinutes(1), "slack"),
                new Settling(Duration.ofMinutes(1), "discord")), Duration.ofSeconds(2));

        assertThat(lines).isEmpty();
        // a deadline each would take 4 s; the margin is for a loaded machine
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3_500));
    }
}
