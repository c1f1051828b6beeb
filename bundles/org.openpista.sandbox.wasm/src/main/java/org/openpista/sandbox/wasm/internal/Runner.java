package org.openpista.sandbox.wasm.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a module on a thread of its own so the caller can stop waiting at the deadline and make the
 * engine stop the module ({@code onTimeout}); then waits a short while for the thread to end.
 */
final class Runner {

    private Runner() {}

    /** What happened. */
    record Ended<T>(T value, boolean timedOut, Throwable failure, long nanos) {}

    static <T> Ended<T> run(String name, Callable<T> work, Duration timeout, Runnable onTimeout) throws InterruptedException {
        long[] ran = new long[2];
        FutureTask<T> task = new FutureTask<>(() -> {
            ran[0] = System.nanoTime();
            try {
                return work.call();
            } finally {
                ran[1] = System.nanoTime();
            }
        });
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        boolean timedOut = false;
        try {
            return new Ended<>(task.get(timeout.toNanos(), TimeUnit.NANOSECONDS), false, null, ran[1] - ran[0]);
        } catch (TimeoutException e) {
            timedOut = true;
            onTimeout.run();
            thread.interrupt();
        } catch (InterruptedException e) {
            onTimeout.run();
            thread.interrupt();
            thread.join(2000);
            throw e;
        } catch (ExecutionException e) {
            return new Ended<>(null, false, e.getCause(), ran[1] - ran[0]);
        } catch (CancellationException e) {
            return new Ended<>(null, false, e, ran[1] - ran[0]);
        }
        thread.join(5000);
        try {
            return new Ended<>(task.get(0, TimeUnit.NANOSECONDS), timedOut, null, ran[1] - ran[0]);
        } catch (ExecutionException e) {
            return new Ended<>(null, timedOut, e.getCause(), ran[1] - ran[0]);
        } catch (TimeoutException | CancellationException e) {
            return new Ended<>(null, timedOut, e, ran[1] - ran[0]);
        }
    }
}
