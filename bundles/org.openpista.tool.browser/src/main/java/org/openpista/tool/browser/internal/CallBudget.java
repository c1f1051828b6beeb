package org.openpista.tool.browser.internal;

import java.time.Duration;
import java.time.Instant;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.tool.ToolContext;

/**
 * The time and the cancellation signal of one tool call: waits for pages end at the turn's deadline
 * or when the user stops the turn, whichever comes first.
 *
 * @param deadline the latest moment the call may still wait
 * @param cancellation the turn's signal
 */
record CallBudget(Instant deadline, Cancellation cancellation) {

    /** @return the budget of a call, {@code longest} at most */
    static CallBudget of(ToolContext context, Duration longest) {
        Instant cap = Instant.now().plus(longest);
        Instant deadline = context == null || context.deadline() == null || context.deadline().isAfter(cap)
                ? cap
                : context.deadline();
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none()
                : context.cancellation();
        return new CallBudget(deadline, cancellation);
    }

    /** @return the earlier of {@code now + wait} and the deadline */
    Instant until(Duration wait) {
        Instant end = Instant.now().plus(wait);
        return end.isBefore(deadline) ? end : deadline;
    }

    /** @throws BrowserException {@code cancelled} when the turn was stopped */
    void check() {
        if (cancellation.isCancelled()) {
            throw new BrowserException(BrowserException.Kind.CANCELLED, "the turn was stopped");
        }
    }

    /** Sleeps a little, then {@link #check()}s. */
    void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrowserException(BrowserException.Kind.CANCELLED, "interrupted");
        }
        check();
    }
}
