package org.openpista.channel.telegram.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openpista.channel.support.DaemonThreads;

/**
 * The threads and the HTTP client of one running channel: the JDK's {@link HttpClient} for the Bot
 * API (on threads of its own, with the requests under way cancelled when the channel stops) and a
 * timer for the typing indicator. Closed when the channel stops.
 */
final class BotHttp implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemonThreads("telegram-typing"));
    /**
     * The client's own work (reading answers, handing them to the waiting caller): threads come and
     * go with the calls, and an idle bot (one long poll answered every {@code poll_timeout}) keeps none.
     */
    private final ExecutorService httpThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemonThreads("telegram-http"));
    private final HttpCalls calls = new HttpCalls(HttpClient.newBuilder()
            .executor(httpThreads)
            // a long poll and an answer being sent each hold a connection of their own, as with HTTP/1.1 everywhere
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(15))
            .build());

    /** @return the requests of the channel's Bot API calls, cancelled when the channel stops */
    HttpCalls calls() {
        return calls;
    }

    /** @return the timer for repeated chat actions */
    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        calls.close();
        httpThreads.shutdownNow();
    }

    /**
     * Threads that see this bundle's classes as context class loader: Jackson (its own bundle)
     * resolves the class names telegrambots writes into {@code @JsonTypeInfo} through it.
     */
    static ThreadFactory daemonThreads(String name) {
        return DaemonThreads.named(name).withContextClassLoader(BotHttp.class.getClassLoader());
    }
}
