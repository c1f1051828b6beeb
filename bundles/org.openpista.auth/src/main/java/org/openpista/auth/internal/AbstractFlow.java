package org.openpista.auth.internal;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every login flow shares: a worker thread that waits for the user and the vendor until a
 * deadline, the result that completes exactly once (also on failure, timeout or {@link #cancel()}),
 * and the clean-up of whatever the flow holds (a loopback server) when it ends.
 */
abstract class AbstractFlow implements LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractFlow.class);

    /** Raised by a flow's wait when the deadline passed. */
    static final class Timeout extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private final String provider;
    private final FlowType type;
    private final URI url;
    private final Instant deadline;
    private final CompletableFuture<LoginResult> result = new CompletableFuture<>();
    private volatile Thread worker;

    AbstractFlow(String provider, FlowType type, URI url, Duration timeout) {
        this.provider = provider;
        this.type = type;
        this.url = url;
        this.deadline = Instant.now().plus(timeout);
    }

    /** Starts the worker; call once, after construction. */
    final AbstractFlow start() {
        Thread thread = new Thread(this::work, "openpista-login-" + provider);
        thread.setDaemon(true);
        worker = thread;
        thread.start();
        return this;
    }

    /**
     * Waits for the user and completes the login.
     *
     * @return the outcome
     * @throws AuthException for a failure, with a message for the user
     * @throws Timeout when the deadline passed
     * @throws InterruptedException when cancelled
     */
    abstract LoginResult run() throws AuthException, Timeout, InterruptedException;

    /** Releases what the flow holds when it ends, however it ends; must be safe to call twice. */
    void cleanUp() {}

    /** @return time left until the deadline, never negative */
    final Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void work() {
        LoginResult outcome;
        try {
            outcome = run();
        } catch (AuthException e) {
            outcome = LoginResult.failed(provider, e.getMessage());
        } catch (Timeout e) {
            outcome = LoginResult.failed(provider, "the " + provider + " login timed out: nothing came back within the time"
                    + " allowed; run the login again");
        } catch (InterruptedException e) {
            outcome = LoginResult.failed(provider, "the " + provider + " login was cancelled");
        } catch (RuntimeException e) {
            LOG.warn("The {} login failed unexpectedly", provider, e);
            outcome = LoginResult.failed(provider, "the " + provider + " login failed: " + e);
        } finally {
            cleanUp();
        }
        if (result.complete(outcome)) {
            LOG.info("{} login {}: {}", provider, outcome.success() ? "succeeded" : "failed", outcome.message());
        }
    }

    @Override
    public final String provider() {
        return provider;
    }

    @Override
    public final FlowType type() {
        return type;
    }

    @Override
    public final URI url() {
        return url;
    }

    @Override
    public String userCode() {
        return "";
    }

    @Override
    public void submitCode(String code) {
        throw new IllegalStateException("the " + provider + " login does not take a pasted code");
    }

    @Override
    public final CompletionStage<LoginResult> result() {
        return result.minimalCompletionStage();
    }

    /** @return whether the flow has ended */
    final boolean ended() {
        return result.isDone();
    }

    @Override
    public final void cancel() {
        if (result.isDone()) {
            return;
        }
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
        }
        // release first (cleanUp may run twice; it is idempotent), so whoever sees the result also
        // finds the callback port closed
        cleanUp();
        result.complete(LoginResult.failed(provider, "the " + provider + " login was cancelled"));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + provider + ", " + type.wireName() + "]";
    }
}
