package org.openpista.api.chat;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cancellation signal of one turn. Whoever started the turn cancels it; providers and tools
 * poll {@link #isCancelled()} or register a callback to stop early (kill a process, close a
 * connection).
 */
public final class Cancellation {

    private final CopyOnWriteArrayList<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** @return a signal that is never cancelled by its creator */
    public static Cancellation none() {
        return new Cancellation();
    }

    /** @return whether the turn was cancelled */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Cancels the turn and runs every registered callback once. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable callback : callbacks) {
            runQuietly(callback);
        }
        callbacks.clear();
    }

    /**
     * Registers a callback run on cancellation; runs it at once when already cancelled.
     *
     * @return a handle that removes the callback again
     */
    public Registration onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled && callbacks.remove(callback)) {
            runQuietly(callback);
        }
        return () -> callbacks.remove(callback);
    }

    /** Removes a cancellation callback; closing twice is harmless. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static void runQuietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException ignored) {
            // one failing callback must not keep the others from stopping their work
        }
    }
}
