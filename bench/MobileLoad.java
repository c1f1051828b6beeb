import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.X509TrustManager;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;

/**
 * The same load over both chat transports of one daemon, so their figures stand side by side:
 * CLIENTS clients connect at once (the handshake: QUIC + TLS 1.3 + {@code auth} for the mobile
 * channel, HTTP upgrade + the connect sequence for the web chat), then each sends a message and waits
 * for its answer, again and again, for SECONDS. Prints handshake p50/p99, the first answer's latency
 * (each client's first turn) p50/p99, turns per second, turn latency p50/p99 and the daemon's CPU time
 * per turn. Every client starts a new session every TURNS_PER_SESSION turns, as WebLoad does.
 *
 * <p>java -cp KWIK_AND_JACKSON bench/MobileLoad.java quic|web LINK_OR_URL CLIENTS SECONDS DAEMON_PID [TURNS_PER_SESSION]
 * <br>LINK_OR_URL: {@code openpista+quic://HOST:PORT?token=…&fp=sha256:…} or {@code ws://HOST:PORT/ws?token=…}
 */
public class MobileLoad {

    static final ObjectMapper JSON = new ObjectMapper();

    interface Client extends AutoCloseable {
        /** Sends a message and waits for its whole answer. */
        void turn(String text) throws Exception;

        void newSession() throws Exception;

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String target = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        long pid = Long.parseLong(args[4]);
        int perSession = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        long[] handshakes = new long[clients];
        long[] firsts = new long[clients];
        List<long[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(clients);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int index = i;
            long[][] mine = {new long[1 << 14]};
            int[] count = {0};
            synchronized (latencies) {
                latencies.add(null);
            }
            Thread thread = new Thread(() -> {
                Client client = null;
                try {
                    long start = System.nanoTime();
                    client = mode.equals("quic") ? Quic.connect(target, "bench-" + index) : Web.connect(target, "bench-" + index);
                    handshakes[index] = System.nanoTime() - start;
                    connected.countDown();
                    go.await();
                    while (System.nanoTime() < window[1]) {
                        long sent = System.nanoTime();
                        client.turn("ping " + count[0]);
                        long latency = System.nanoTime() - sent;
                        if (count[0] == 0) {
                            firsts[index] = latency;
                        }
                        if (count[0] == mine[0].length) {
                            mine[0] = Arrays.copyOf(mine[0], count[0] * 2);
                        }
                        mine[0][count[0]++] = latency;
                        if (perSession > 0 && count[0] % perSession == 0) {
                            client.newSession();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("client " + index + ": " + e);
                    connected.countDown();
                } finally {
                    synchronized (latencies) {
                        latencies.set(index, Arrays.copyOf(mine[0], count[0]));
                    }
                    if (client != null) {
                        client.close();
                    }
                    done.countDown();
                }
            }, "client-" + i);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        connected.await(120, TimeUnit.SECONDS);
        long cpu0 = cpuNanos(pid);
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
        go.countDown();
        done.await(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        long cpu = cpuNanos(pid) - cpu0;
        long[] all = latencies.stream().filter(l -> l != null).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] shakes = Arrays.stream(handshakes).filter(h -> h > 0).sorted().toArray();
        long[] first = Arrays.stream(firsts).filter(f -> f > 0).sorted().toArray();
        System.out.printf("%s: %d clients, handshake p50 %.1f ms, p99 %.1f ms; first answer p50 %.1f ms, p99 %.1f ms; "
                + "%d turns in %.1f s: %.0f turns/s, latency p50 %.2f ms, p99 %.2f ms; %d errors; daemon CPU %.2f ms per turn%n",
                mode, clients, pct(shakes, 50) / 1e6, pct(shakes, 99) / 1e6, pct(first, 50) / 1e6, pct(first, 99) / 1e6,
                all.length, elapsed, all.length / elapsed, pct(all, 50) / 1e6, pct(all, 99) / 1e6, errors.get(),
                all.length == 0 ? 0 : cpu / 1e6 / all.length);
        System.exit(0);
    }

    static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /** A phone: the mobile protocol over kwik, the certificate pinned, a stream per request. */
    static final class Quic implements Client {
        final QuicClientConnection quic;

        Quic(QuicClientConnection quic) {
            this.quic = quic;
        }

        static Quic connect(String link, String device) throws Exception {
            URI uri = URI.create(link);
            String token = null;
            String fp = null;
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.startsWith("token=")) {
                    token = pair.substring(6);
                } else if (pair.startsWith("fp=")) {
                    fp = pair.substring(3);
                }
            }
            String pinned = fp;
            X509TrustManager pin = new X509TrustManager() {
                @Override
                public void checkServerTrusted(X509Certificate[] chain, String type) throws java.security.cert.CertificateException {
                    try {
                        String seen = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                        if (!seen.equals(pinned)) {
                            throw new java.security.cert.CertificateException("not the pinned certificate");
                        }
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new java.security.cert.CertificateException(e);
                    }
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String type) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            QuicClientConnection quic = QuicClientConnection.newBuilder().host(uri.getHost()).port(uri.getPort())
                    .applicationProtocol("openpista-quic-v1").noServerCertificateCheck().customTrustManager(pin)
                    .connectTimeout(Duration.ofSeconds(30)).maxIdleTimeout(Duration.ofSeconds(60)).logger(new NullLogger()).build();
            quic.connect();
            Quic client = new Quic(quic);
            JsonNode ok = client.request("{\"type\":\"auth\",\"token\":\"" + token + "\",\"device_id\":\"" + device + "\"}", "auth_ok");
            if (ok == null) {
                throw new IllegalStateException("not authenticated");
            }
            quic.keepAlive(20);
            return client;
        }

        JsonNode request(String json, String expected) throws Exception {
            QuicStream stream = quic.createStream(true);
            try (OutputStream out = stream.getOutputStream()) {
                byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array());
            }
            InputStream in = stream.getInputStream();
            JsonNode last = null;
            byte[] header;
            while ((header = in.readNBytes(4)).length == 4) {
                last = JSON.readTree(in.readNBytes(ByteBuffer.wrap(header).getInt()));
            }
            if (last == null || !last.path("type").asText().equals(expected) || last.path("is_error").asBoolean()) {
                throw new IllegalStateException("expected " + expected + ", got " + last);
            }
            return last;
        }

        @Override
        public void turn(String text) throws Exception {
            request("{\"type\":\"message\",\"text\":\"" + text + "\"}", "response");
        }

        @Override
        public void newSession() throws Exception {
            request("{\"type\":\"session_new\"}", "session_history");
        }

        @Override
        public void close() {
            quic.close();
        }
    }

    /** A browser: the web chat's WebSocket, its connect sequence, one message at a time. */
    static final class Web implements Client, WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final StringBuilder text = new StringBuilder();
        WebSocket socket;

        static Web connect(String url, String clientId) throws Exception {
            Web client = new Web();
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create(url + "&client_id=" + clientId), client).get(60, TimeUnit.SECONDS);
            client.await("session_history");
            return client;
        }

        JsonNode await(String type) throws Exception {
            while (true) {
                JsonNode frame = frames.poll(120, TimeUnit.SECONDS);
                if (frame == null) {
                    throw new IllegalStateException("no " + type + " within 120 s");
                }
                if (frame.path("type").asText().equals(type)) {
                    if (frame.path("is_error").asBoolean()) {
                        throw new IllegalStateException("error: " + frame);
                    }
                    return frame;
                }
            }
        }

        @Override
        public void turn(String message) throws Exception {
            socket.sendText("{\"type\":\"message\",\"content\":\"" + message + "\"}", true);
            await("response");
        }

        @Override
        public void newSession() throws Exception {
            socket.sendText("{\"type\":\"session_new\"}", true);
            await("session_history");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(text.toString()));
                } catch (Exception e) {
                    System.err.println("unreadable frame: " + e);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
