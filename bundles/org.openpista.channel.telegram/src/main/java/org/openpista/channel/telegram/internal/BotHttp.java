package org.openpista.channel.telegram.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The threads and the HTTP client of one running channel: OkHttp for the Bot API (its own
 * dispatcher threads, so stopping the channel cancels what is under way) and a timer for the
 * typing indicator. Closed when the channel stops.
 */
final class BotHttp implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemonThreads("telegram-typing"));
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(daemonThreads("telegram-http"));
    private final OkHttpClient client = new OkHttpClient.Builder()
            .dispatcher(new Dispatcher(httpThreads))
            .addInterceptor(new ErrorBodies())
            .connectionPool(new ConnectionPool(4, 60, TimeUnit.SECONDS))
            .connectTimeout(Duration.ofSeconds(15))
            .readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60))
            .build();

    /** @return the HTTP client for Bot API calls */
    OkHttpClient client() {
        return client;
    }

    /** @return the timer for repeated chat actions */
    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.dispatcher().cancelAll();
        httpThreads.shutdownNow();
        client.connectionPool().evictAll();
    }

    /**
     * Threads that see this bundle's classes as context class loader: Jackson (its own bundle)
     * resolves the class names telegrambots writes into {@code @JsonTypeInfo} through it, and OkHttp
     * reads answers on these threads.
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
