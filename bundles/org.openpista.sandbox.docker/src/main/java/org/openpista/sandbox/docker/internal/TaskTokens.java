package org.openpista.sandbox.docker.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The orchestrator's side of the worker protocol: every task (one container) gets an ephemeral
 * random token when it is created; the token is valid until the container is destroyed, and a
 * result is accepted only when it carries the live token of that very container. A result that
 * arrives after the container is gone, comes from another container, or carries a guessed token is
 * rejected.
 */
final class TaskTokens {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, byte[]> live = new ConcurrentHashMap<>();

    /** @return a fresh token for the task, valid until {@link #revoke(String)} */
    String issue(String task) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        live.put(task, token.getBytes(StandardCharsets.US_ASCII));
        return token;
    }

    /** @return whether {@code presented} is the live token of {@code task} (compared in constant time) */
    boolean accepts(String task, String presented) {
        byte[] expected = live.get(task);
        return expected != null && presented != null
                && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Ends the token's life: the container is gone. */
    void revoke(String task) {
        live.remove(task);
    }

    /** Moves a token issued under a provisional key to the task's real key (the container id). */
    void rename(String from, String to) {
        byte[] token = live.remove(from);
        if (token != null) {
            live.put(to, token);
        }
    }

    int liveCount() {
        return live.size();
    }
}
