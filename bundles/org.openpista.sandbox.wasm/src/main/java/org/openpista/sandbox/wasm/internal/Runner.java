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
 *
 * <p>The thread gets a stack of {@value #GUEST_STACK_BYTES} bytes whatever {@code -Xss} says (the
 * launcher runs with 512 KB): wasmtime runs the guest on the calling thread's native stack, and a
 * guest recursing past the end of a small stack took the whole JVM down ("An irrecoverable stack
 * overflow"). wasmtime's own limit ({@link WasmtimeEngine#MAX_WASM_STACK}) stops the guest well
 * before the end of this stack; Chicory's interpreter hits its call depth limit first.
 */
final class Runner {

    /** The stack of a guest thread: wasmtime's guest limit plus ample room for host frames below it. */
    static final long GUEST_STACK_BYTES = 8L * 1024 * 1024;

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
        Thread thread = new Thread(null, task, name, GUEST_STACK_BYTES);
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
