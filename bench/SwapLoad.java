import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Load during a swap: CLIENTS WebSocket clients of the web chat, each sending {@code tool:hello.greet
 * {"name": …}} (the fake LLM then calls the hello-tool plugin, and answers with what it said) and
 * waiting for its answer before the next. After BEFORE seconds it runs each swap command in turn
 * (arguments after {@code --}, separated by {@code ,}), then keeps the load for AFTER seconds.
 * Prints, side by side, turns/s and failed turns before and during the swaps, and for each swap how
 * long the command took until the new version served (it returns once the bundle is active and
 * steady) and the first turn that completed after it. A client whose socket closes (a swap of the
 * web channel itself) reconnects and resends its unanswered message ({@code "resend": true}).
 *
 * <p>java bench/SwapLoad.java ws://HOST:PORT/ TOKEN CLIENTS BEFORE AFTER -- CMD ARGS… , CMD ARGS…
 */
public class SwapLoad {

    /** One finished turn: when (System.nanoTime) and whether it failed. */
    record Turn(long at, boolean failed) {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        int clients = Integer.parseInt(args[2]);
        int before = Integer.parseInt(args[3]);
        int after = Integer.parseInt(args[4]);
        List<List<String>> swaps = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            if (args[i].equals(",")) {
                swaps.add(current);
                current = new ArrayList<>();
            } else {
                current.add(args[i]);
            }
        }
        if (!current.isEmpty()) {
            swaps.add(current);
        }
        ConcurrentLinkedQueue<Turn> turns = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(clients);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < clients; i++) {
            new Client(http, URI.create(url + "ws?token=" + token + "&client_id=swap-" + i), "swap-" + i, turns, stop, done).next();
        }
        Thread.sleep(3000); // warm-up, not counted
        long loadStart = System.nanoTime();
        Thread.sleep(before * 1000L);
        long swapStart = System.nanoTime();
        List<long[]> spans = new ArrayList<>();
        for (List<String> swap : swaps) {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(swap).inheritIO().start();
            int status = process.waitFor();
            long end = System.nanoTime();
            spans.add(new long[] {start, end, status});
        }
        long swapEnd = System.nanoTime();
        Thread.sleep(after * 1000L);
        stop.set(true);
        done.await(60, TimeUnit.SECONDS);
        long loadEnd = System.nanoTime();

        Window pre = Window.of(turns, loadStart, swapStart);
        Window during = Window.of(turns, swapStart, swapEnd);
        Window post = Window.of(turns, swapEnd, loadEnd);
        System.out.printf("%n%-22s %12s %12s %12s%n", "", "before", "during swaps", "after");
        System.out.printf("%-22s %12.1f %12.1f %12.1f%n", "turns/s", pre.rate(), during.rate(), post.rate());
        System.out.printf("%-22s %12d %12d %12d%n", "turns", pre.count, during.count, post.count);
        System.out.printf("%-22s %12d %12d %12d%n", "failed turns", pre.failed, during.failed, post.failed);
        System.out.printf("%-22s %12.1f %12.1f %12.1f%n", "seconds", pre.seconds(), during.seconds(), post.seconds());
        System.out.printf("%n%-60s %8s %16s %22s%n", "swap", "status", "to serving (ms)", "next turn after (ms)");
        for (int i = 0; i < swaps.size(); i++) {
            long[] span = spans.get(i);
            long next = turns.stream().filter(t -> t.at >= span[1] && !t.failed).mapToLong(Turn::at).min().orElse(-1);
            String command = String.join(" ", swaps.get(i));
            System.out.printf("%-60s %8d %16d %22s%n", command.length() > 60 ? "…" + command.substring(command.length() - 59) : command,
                    span[2], TimeUnit.NANOSECONDS.toMillis(span[1] - span[0]),
                    next < 0 ? "none" : Long.toString(TimeUnit.NANOSECONDS.toMillis(next - span[1])));
        }
        System.out.printf("%nreconnects (sockets closed by a swap of the web channel, resumed): %d%n", RECONNECTS.get());
        System.exit(pre.failed + during.failed + post.failed == 0 ? 0 : 1);
    }

    /** Turns that finished within [from, to). */
    record Window(long from, long to, int count, int failed) {
        static Window of(ConcurrentLinkedQueue<Turn> turns, long from, long to) {
            int count = 0;
            int failed = 0;
            for (Turn turn : turns) {
                if (turn.at >= from && turn.at < to) {
                    count++;
                    failed += turn.failed ? 1 : 0;
                }
            }
            return new Window(from, to, count, failed);
        }

        double seconds() {
            return (to - from) / 1e9;
        }

        double rate() {
            return seconds() <= 0 ? 0 : count / seconds();
        }
    }

    /**
     * One chat client. When its socket closes (the web channel bundle itself is swapped) it
     * reconnects and sends its unanswered message again with {@code "resend": true} and the same
     * {@code message_id}, as the web page does; the server runs it once and answers it once.
     */
    static final class Client implements WebSocket.Listener {
        final HttpClient http;
        final URI uri;
        final String id;
        final ConcurrentLinkedQueue<Turn> turns;
        final AtomicBoolean stop;
        final CountDownLatch done;
        final StringBuilder text = new StringBuilder();
        volatile WebSocket socket;
        final AtomicBoolean reconnecting = new AtomicBoolean();
        int sent;
        String expected;
        String messageId;
        String frame;

        Client(HttpClient http, URI uri, String id, ConcurrentLinkedQueue<Turn> turns, AtomicBoolean stop, CountDownLatch done) {
            this.http = http;
            this.uri = uri;
            this.id = id;
            this.turns = turns;
            this.stop = stop;
            this.done = done;
            this.socket = http.newWebSocketBuilder().buildAsync(uri, this).join();
        }

        void next() {
            if (stop.get()) {
                done.countDown();
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                return;
            }
            String name = id + "-m" + (++sent);
            messageId = name;
            expected = "The tool said: Hello, " + name + "! Greetings from the hello-tool plugin.";
            String message = "tool:hello.greet {\\\"name\\\":\\\"" + name + "\\\"}";
            frame = "{\"type\":\"message\",\"content\":\"" + message + "\",\"message_id\":\"" + name + "\"";
            socket.sendText(frame + "}", true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String received = text.toString();
                text.setLength(0);
                if (received.contains("\"type\":\"response\"")) {
                    boolean failed = received.contains("\"is_error\":true") || !received.contains(expected)
                            || !received.contains("\"message_id\":\"" + messageId + "\"");
                    if (failed) {
                        System.err.println(id + ": " + received);
                    }
                    turns.add(new Turn(System.nanoTime(), failed));
                    CompletableFuture.runAsync(this::next);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!stop.get() && webSocket == socket && reconnecting.compareAndSet(false, true)) {
                CompletableFuture.runAsync(this::reconnect);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onClose(webSocket, -1, String.valueOf(error));
        }

        /** Back on a new socket (the channel may take a few seconds to listen again), the unanswered message goes again. */
        private void reconnect() {
            RECONNECTS.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                try {
                    socket = http.newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
                    reconnecting.set(false);
                    socket.sendText(frame + ",\"resend\":true}", true);
                    return;
                } catch (Exception e) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            System.err.println(id + ": could not reconnect within 90 s");
            turns.add(new Turn(System.nanoTime(), true));
            done.countDown();
        }
    }

    /** Sockets that closed under the clients and were opened again. */
    static final java.util.concurrent.atomic.AtomicInteger RECONNECTS = new java.util.concurrent.atomic.AtomicInteger();
}
