package org.openpista.channel.mobile.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import org.openpista.channel.support.Lockout;

/**
 * Checks the token of {@code auth} frames: compared through SHA-256 digests with {@link
 * MessageDigest#isEqual}, in constant time whatever the length; a wrong token counts towards the
 * {@link Lockout} of its source, and a locked source's tokens are not checked at all.
 */
final class TokenCheck {

    /** What a check concluded. */
    enum Outcome {
        ACCEPTED,
        REJECTED,
        LOCKED_OUT
    }

    /**
     * @param outcome the conclusion
     * @param retryAfter for a lockout: how long it lasts
     */
    record Verdict(Outcome outcome, Duration retryAfter) {}

    private final byte[] tokenDigest;
    private final Lockout lockout;

    /** @param token the configured token; never empty (the channel generates one) */
    TokenCheck(String token, Clock clock) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the mobile channel needs a token");
        }
        this.tokenDigest = sha256(token);
        this.lockout = new Lockout(clock);
    }

    Verdict check(String address, String presented) {
        String source = Lockout.source(address);
        Duration locked = lockout.lockedFor(source);
        if (!locked.isZero()) {
            return new Verdict(Outcome.LOCKED_OUT, locked);
        }
        if (presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            lockout.success(source);
            return new Verdict(Outcome.ACCEPTED, Duration.ZERO);
        }
        // the failure that reaches the limit is still a plain rejection; the lock applies from the next attempt
        lockout.failure(source);
        return new Verdict(Outcome.REJECTED, Duration.ZERO);
    }

    Lockout lockout() {
        return lockout;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
