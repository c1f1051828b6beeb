import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load generator for the web chat: CLIENTS WebSocket clients, each sending a message and waiting
 * for its {@code response} before the next, for SECONDS. Prints turns per second, p50/p99 latency
 * and, every INTERVAL seconds, the daemon's resident memory and turns so far.
 *
 * <p>It also reports the CPU time each process spent per turn (the daemon, the fake LLM server and
 * this load generator), so the throughput an otherwise idle machine would reach can be judged even
 * when other work shares the cores: cores × 1000 ms / (CPU ms per turn, all three together).
 *
 * <p>Every client starts a new session after TURNS_PER_SESSION turns (default 10), as people start
 * new conversations: the agent sends a session's whole history to the model on every turn, so one
 * endless session per client would measure ever longer histories rather than the chat.
 *
 * <p>java bench/WebLoad.java ws://HOST:PORT/ TOKEN CLIENTS SECONDS DAEMON_PID [INTERVAL [FAKE_PID [TURNS_PER_SESSION]]]
 */
public class WebLoad {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        long pid = Long.parseLong(args[4]);
        int interval = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        long fakePid = args.length > 6 ? Long.parseLong(args[6]) : -1;
        int perSession = args.length > 7 ? Integer.parseInt(args[7]) : 10;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong turns = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client client = new Client(http, URI.create(url + "ws?token=" + token + "&client_id=bench-" + i), deadline, turns,
                    errors, done, perSession);
            all.add(client);
        }
        long start = System.nanoTime();
        long daemonCpu0 = cpuNanos(pid);
        long fakeCpu0 = cpuNanos(fakePid);
        long selfCpu0 = cpuNanos(ProcessHandle.current().pid());
        all.forEach(Client::next);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        System.out.printf("%8s %10s %12s%n", "time_s", "turns", "daemon_rss_mb");
        sampler.scheduleAtFixedRate(() -> System.out.printf("%8d %10d %12d%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), turns.get(), rssMb(pid)), 0, interval, TimeUnit.SECONDS);
        done.await(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long daemonCpu = cpuNanos(pid) - daemonCpu0;
        long fakeCpu = fakePid > 0 ? cpuNanos(fakePid) - fakeCpu0 : 0;
        long selfCpu = cpuNanos(ProcessHandle.current().pid()) - selfCpu0;
        sampler.shutdownNow();
        long total = 0;
        for (Client client : all) {
            total += client.count;
        }
        long[] merged = new long[(int) total];
        int at = 0;
        for (Client client : all) {
            System.arraycopy(client.latencies, 0, merged, at, client.count);
            at += client.count;
        }
        Arrays.sort(merged);
        System.out.printf("clients %d, %d turns in %.1f s: %.0f turns/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d errors; daemon RSS %d MB%n",
                clients, total, elapsed, total / elapsed, pct(merged, 50) / 1e6, pct(merged, 99) / 1e6,
                merged.length == 0 ? 0 : merged[merged.length - 1] / 1e6, errors.get(), rssMb(pid));
        if (total > 0) {
            double daemonMs = daemonCpu / 1e6 / total;
            double fakeMs = fakeCpu / 1e6 / total;
            double selfMs = selfCpu / 1e6 / total;
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("CPU per turn: daemon %.2f ms, fake LLM %.2f ms, load generator %.2f ms; "
                    + "on %d otherwise idle cores: about %.0f turns/s (daemon alone: %.0f turns/s)%n",
                    daemonMs, fakeMs, selfMs, cores, cores * 1000 / (daemonMs + fakeMs + selfMs), cores * 1000 / daemonMs);
        }
        all.forEach(c -> c.socket.get().abort());
        System.exit(0);
    }

    static long cpuNanos(long pid) {
        if (pid <= 0) {
            return 0;
        }
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).map(java.time.Duration::toNanos).orElse(0L);
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static long rssMb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    /** One browser: a message, its answer, the next message. */
    static final class Client implements WebSocket.Listener {
        final AtomicReference<WebSocket> socket = new AtomicReference<>();
        final long deadline;
        final AtomicLong turns;
        final AtomicLong errors;
        final CountDownLatch done;
        final int perSession;
        boolean switching;
        long[] latencies = new long[1 << 16];
        int count;
        long sentAt;
        boolean ready;
        final StringBuilder text = new StringBuilder();

        Client(HttpClient http, URI uri, long deadline, AtomicLong turns, AtomicLong errors, CountDownLatch done,
                int perSession) {
            this.perSession = perSession;
            this.deadline = deadline;
            this.turns = turns;
            this.errors = errors;
            this.done = done;
            socket.set(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this).join());
        }

        void next() {
            if (System.nanoTime() > deadline) {
                done.countDown();
                return;
            }
            sentAt = System.nanoTime();
            socket.get().sendText("{\"type\":\"message\",\"content\":\"ping " + count + "\"}", true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                if (frame.startsWith("{\"type\":\"response\"")) {
                    long latency = System.nanoTime() - sentAt;
                    if (frame.contains("\"is_error\":true")) {
                        errors.incrementAndGet();
                    }
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = latency;
                    turns.incrementAndGet();
                    if (perSession > 0 && count % perSession == 0) {
                        switching = true;
                        webSocket.sendText("{\"type\":\"session_new\"}", true);
                    } else {
                        next();
                    }
                } else if (switching && frame.startsWith("{\"type\":\"session_history\"")) {
                    switching = false;
                    next();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            System.err.println("socket closed: " + statusCode + " " + reason);
            done.countDown();
            return CompletableFuture.completedFuture(null);
        }
    }
}
