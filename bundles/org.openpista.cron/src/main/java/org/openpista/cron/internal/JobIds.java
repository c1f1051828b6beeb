package org.openpista.cron.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.openpista.api.cron.CronJobSpec;

/**
 * Job ids taken from the job's content, so the same job keeps its id (and with it its run history
 * in cron.json) across restarts and reloads; a second identical job gets {@code -2}, and so on.
 */
final class JobIds {

    private JobIds() {}

    /**
     * @param taken the ids already in use
     * @return eight hex digits of the job's SHA-256, with a suffix when they are taken
     */
    static String uniqueId(Set<String> taken, CronJobSpec spec) {
        String base = hash(spec.schedule() + "\n" + spec.message() + "\n" + spec.session() + "\n" + spec.channel() + "\n"
                + spec.target());
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
