package org.openpista.api.cron;

import java.util.Objects;

/**
 * What a scheduled job does, as written in a {@code [[cron]]} entry.
 *
 * @param schedule a cron expression: five fields (minute hour day-of-month month day-of-week), or
 *     six with seconds first, or a macro such as {@code @hourly}
 * @param message the message sent to the agent
 * @param session the session it goes to, or empty for the job's own session
 * @param channel the channel that delivers the answer (for example {@code telegram}), or empty to
 *     keep the answer in the session only
 * @param target where that channel delivers it (chat id, phone number, client id), or empty
 */
public record CronJobSpec(String schedule, String message, String session, String channel, String target) {

    public CronJobSpec {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(message, "message");
        schedule = schedule.strip();
        session = session == null ? "" : session.strip();
        channel = channel == null ? "" : channel.strip();
        target = target == null ? "" : target.strip();
    }
}
