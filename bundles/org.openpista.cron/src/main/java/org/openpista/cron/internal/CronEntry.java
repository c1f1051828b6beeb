package org.openpista.cron.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys of one {@code [[cron]]} entry. The configuration bundle checks each entry against them
 * and hands the entries to {@link CronScheduler} as JSON, one object per entry.
 */
@ObjectClassDefinition(id = CronEntry.FACTORY_PID, factoryPid = CronEntry.FACTORY_PID, name = "Scheduled message",
        description = "A message the agent gets on a schedule, as if you had sent it.")
@interface CronEntry {

    /** The factory PID the configuration bundle reads an entry's keys from ({@code <pid>.entry}). */
    String FACTORY_PID = CronScheduler.PID + ".entry";

    @AttributeDefinition(name = "Schedule", description = "When: a cron expression, 5 fields (minute hour day month "
            + "weekday) or 6 with seconds first, e.g. \"0 9 * * MON-FRI\".")
    String schedule();

    @AttributeDefinition(name = "Message", description = "What the agent is asked.")
    String message();

    @AttributeDefinition(name = "Session", description = "The session it runs in; empty: cron:<job>.", required = false)
    String session() default "";

    @AttributeDefinition(name = "Channel", description = "Where the answer goes, e.g. telegram; empty: only stored.",
            required = false)
    String channel() default "";

    @AttributeDefinition(name = "Target", description = "Whom the channel sends it to: a chat id, a phone number.",
            required = false)
    String target() default "";
}
