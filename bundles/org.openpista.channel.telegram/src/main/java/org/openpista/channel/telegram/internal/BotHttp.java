package org.openpista.channel.telegram.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The threads and the HTTP client of one running channel: the JDK's {@link HttpClient} for the Bot
 * API (on threads of its own, with the requests under way cancelled when the channel stops) and a
 * timer for the typing indicator. Closed when the channel stops.
 */
final class BotHttp implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemonThreads("telegram-typing"));
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(daemonThreads("telegram-http"));
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
        ClassLoader bundle = BotHttp.class.getClassLoader();
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(bundle);
            return thread;
        };
    }
}
