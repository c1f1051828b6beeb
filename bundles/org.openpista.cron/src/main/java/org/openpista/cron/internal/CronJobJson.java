package org.openpista.cron.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openpista.api.cron.CronJobSpec;

/**
 * A job as one JSON object, the way the configuration bundle hands over {@code [[cron]]} entries
 * and the way cron.json keeps jobs added from the shell: {@code schedule}, {@code message} and the
 * optional {@code session}, {@code channel} and {@code target} (left out when empty).
 */
final class CronJobJson {

    private CronJobJson() {}

    /** @return the job, missing keys read as empty */
    static CronJobSpec read(JsonNode job) {
        return new CronJobSpec(job.path("schedule").asText(""), job.path("message").asText(""), job.path("session").asText(""),
                job.path("channel").asText(""), job.path("target").asText(""));
    }

    /** Writes the job's keys into {@code job}. */
    static void write(CronJobSpec spec, ObjectNode job) {
        job.put("schedule", spec.schedule()).put("message", spec.message());
        putIfSet(job, "session", spec.session());
        putIfSet(job, "channel", spec.channel());
        putIfSet(job, "target", spec.target());
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (!value.isEmpty()) {
            node.put(key, value);
        }
    }
}
