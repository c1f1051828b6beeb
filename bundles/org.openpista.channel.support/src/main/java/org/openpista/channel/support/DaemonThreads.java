package org.openpista.channel.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with names that say whose they are (a thread dump of the daemon shows which channel
 * holds what), for a channel's executors and its HTTP client's: a stopped channel's threads never keep
 * the JVM alive.
 */
public final class DaemonThreads implements ThreadFactory {

    private final String name;
    private final AtomicInteger count; // null: every thread has the same name
    private final ClassLoader contextLoader; // null: the creating thread's

    private DaemonThreads(String name, AtomicInteger count, ClassLoader contextLoader) {
        this.name = name;
        this.count = count;
        this.contextLoader = contextLoader;
    }

    /** @return a factory whose threads are all called {@code name} (a single thread, or a pool's alike) */
    public static DaemonThreads named(String name) {
        return new DaemonThreads(name, null, null);
    }

    /** @return a factory whose threads are called {@code name-1}, {@code name-2} and so on */
    public static DaemonThreads numbered(String name) {
        return new DaemonThreads(name, new AtomicInteger(), null);
    }

    /**
     * @param loader the context class loader of the threads, such as the bundle's own where a library in
     *     another bundle (Jackson's type ids) loads the caller's classes through it
     * @return a factory with the same names (its count shared with this one) whose threads have that loader
     */
    public DaemonThreads withContextClassLoader(ClassLoader loader) {
        return new DaemonThreads(name, count, loader);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, count == null ? name : name + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        if (contextLoader != null) {
            thread.setContextClassLoader(contextLoader);
        }
        return thread;
    }
}
