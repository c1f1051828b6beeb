package org.openpista.channel.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openpista.channel.support.Lockout;

/**
 * Checks credentials: the configured token (compared in constant time) and the session tokens
 * that {@code POST /auth} hands out for it. A wrong token counts towards the {@link Lockout} of its
 * source, and a locked source's tokens are not checked. Session tokens are 256 random bits, which
 * nobody guesses: they are accepted during a lock, so a browser that logged in before keeps working
 * while a stranger is locked out, and a stale one (after a restart) is refused without counting.
 * Session tokens live in memory only: after a restart a client falls back to the configured token,
 * as the protocol expects.
 */
final class Authenticator {

    /** How long a session token stays valid. */
    static final Duration SESSION_TOKEN_LIFETIME = Duration.ofHours(24);
    private static final int MAX_SESSION_TOKENS = 1_000;

    /** What a check concluded. */
    enum Outcome {
        ACCEPTED,
        REJECTED,
        LOCKED_OUT
    }

    /**
     * @param outcome the conclusion
     * @param clientId for an accepted session token: the client it was issued to, else empty
     * @param retryAfter for a lockout: how long it lasts
     */
    record Verdict(Outcome outcome, String clientId, Duration retryAfter) {
        boolean accepted() {
            return outcome == Outcome.ACCEPTED;
        }
    }

    /**
     * A session token handed out by {@code POST /auth}.
     *
     * @param token 64 hex digits
     * @param clientId the client it was issued to
     * @param expiresAt when it stops being accepted
     */
    record Grant(String token, String clientId, Instant expiresAt) {}

    private final byte[] tokenDigest;
    private final boolean tokenRequired;
    private final Clock clock;
    private final SecureRandom random;
    private final Lockout lockout;
    // keyed by the digest of the session token, so a lookup reveals nothing through timing
    private final Map<String, Grant> grants = new LinkedHashMap<>();

    Authenticator(String token, Clock clock, SecureRandom random) {
        this.tokenRequired = token != null && !token.isEmpty();
        this.tokenDigest = sha256(token == null ? "" : token);
        this.clock = clock;
        this.random = random;
        this.lockout = new Lockout(clock);
    }

    /** @return whether a token is configured, so every client must present credentials */
    boolean tokenRequired() {
        return tokenRequired;
    }

    /** @return how long the address's source stays locked out, {@link Duration#ZERO} when it is not */
    Duration lockedFor(String address) {
        return lockout.lockedFor(Lockout.source(address));
    }

    /** Checks the configured token, unless the address's source is locked out. */
    Verdict checkToken(String address, String presented) {
        String source = Lockout.source(address);
        Duration locked = lockout.lockedFor(source);
        if (!locked.isZero()) {
            return new Verdict(Outcome.LOCKED_OUT, "", locked);
        }
        if (!tokenRequired || presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            lockout.success(source);
            return new Verdict(Outcome.ACCEPTED, "", Duration.ZERO);
        }
        // the failure that reaches the limit is still answered as a plain rejection; the lock
        // applies from the next attempt on
        lockout.failure(source);
        return new Verdict(Outcome.REJECTED, "", Duration.ZERO);
    }

    /**
     * Checks a session token from {@code POST /auth}; an expired or unknown one is rejected. Neither
     * outcome depends on or counts towards the lockout.
     */
    Verdict checkSessionToken(String address, String presented) {
        Grant grant = null;
        if (presented != null && !presented.isEmpty()) {
            String key = HexFormat.of().formatHex(sha256(presented));
            synchronized (grants) {
                grant = grants.get(key);
                if (grant != null && !grant.expiresAt().isAfter(clock.instant())) {
                    grants.remove(key);
                    grant = null;
                }
            }
        }
        if (grant == null) {
            return new Verdict(Outcome.REJECTED, "", Duration.ZERO);
        }
        lockout.success(Lockout.source(address));
        return new Verdict(Outcome.ACCEPTED, grant.clientId(), Duration.ZERO);
    }

    /** Hands out a new session token for a client that presented the configured token. */
    Grant issue(String clientId) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Grant grant = new Grant(token, clientId, clock.instant().plus(SESSION_TOKEN_LIFETIME));
        synchronized (grants) {
            Instant now = clock.instant();
            grants.values().removeIf(old -> !old.expiresAt().isAfter(now));
            if (grants.size() >= MAX_SESSION_TOKENS) {
                // the oldest one goes; its client falls back to the configured token
                Iterator<String> oldest = grants.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            grants.put(HexFormat.of().formatHex(sha256(token)), grant);
        }
        return grant;
    }

    /** @return how many session tokens are held, for tests */
    int sessionTokens() {
        synchronized (grants) {
            return grants.size();
        }
    }

    /** @return the lockout, for {@code openpista:web} */
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
