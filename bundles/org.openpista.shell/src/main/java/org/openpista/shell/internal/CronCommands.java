package org.openpista.shell.internal;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.openpista.api.cron.CronJob;
import org.openpista.api.cron.CronJobSpec;
import org.openpista.api.cron.CronService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code openpista:cron}: lists the scheduled jobs, adds one ({@code cron add SCHEDULE MESSAGE
 * [--session S] [--channel C --target T]}) or removes one added at runtime ({@code cron remove
 * ID}).
 */
@Component(service = CronCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=cron"
})
public class CronCommands {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile CronService scheduler;

    @Descriptor("list the scheduled jobs")
    public String cron() {
        Table table = new Table("ID", "SCHEDULE", "FROM", "SESSION", "NEXT", "LAST", "MISSED", "SKIPPED", "MESSAGE", "OUTCOME");
        for (CronJob job : service().jobs()) {
            CronJobSpec spec = job.spec();
            String session = spec.session().isEmpty() ? "(own)" : spec.session();
            if (!spec.channel().isEmpty()) {
                session += " → " + spec.channel() + ":" + spec.target();
            }
            table.row(job.id(), spec.schedule(), job.fromConfig() ? "config" : "shell", session,
                    job.nextRun() == null ? "never" : TIME.format(job.nextRun()),
                    job.running() ? "running" : job.lastRun() == null ? "-" : TIME.format(job.lastRun()),
                    job.missedRuns(), job.skippedRuns(), Table.cut(spec.message(), 40), Table.cut(job.lastOutcome(), 60));
        }
        return table.isEmpty() ? "no cron jobs (add [[cron]] entries to config.toml, or: cron add SCHEDULE MESSAGE)\n"
                : table.toString();
    }

    @Descriptor("list the jobs (list), or remove a job added from the shell (remove ID)")
    public String cron(@Descriptor("list | remove") String action, @Descriptor("the job id") String id) {
        if (action.equals("remove") || action.equals("rm")) {
            if (!service().remove(id)) {
                throw new IllegalArgumentException("no cron job " + id + " (see openpista:cron)");
            }
            return "removed cron job " + id + "\n";
        }
        throw new IllegalArgumentException("unknown cron action \"" + action + "\"; use: cron, cron add SCHEDULE MESSAGE, "
                + "cron remove ID");
    }

    @Descriptor("list the jobs")
    public String cron(@Descriptor("list") String action) {
        if (action.equals("list") || action.equals("ls")) {
            return cron();
        }
        throw new IllegalArgumentException("unknown cron action \"" + action + "\"; use: cron, cron add SCHEDULE MESSAGE, "
                + "cron remove ID");
    }

    @Descriptor("add a job: cron add \"SCHEDULE\" \"MESSAGE\" [--session S] [--channel C --target T]")
    public String cron(
            @Descriptor("the session the message goes to (default: the job's own)")
            @Parameter(names = {"-s", "--session"}, absentValue = "") String session,
            @Descriptor("a channel to deliver the answer through, e.g. telegram")
            @Parameter(names = {"-c", "--channel"}, absentValue = "") String channel,
            @Descriptor("where that channel delivers it: chat id, phone number")
            @Parameter(names = {"-t", "--target"}, absentValue = "") String target,
            @Descriptor("add") String action,
            @Descriptor("a cron expression, 5 fields or 6 with seconds, quoted") String schedule,
            @Descriptor("the message, quoted") String message) {
        if (!action.equals("add")) {
            throw new IllegalArgumentException("unknown cron action \"" + action + "\"; use: cron add SCHEDULE MESSAGE");
        }
        CronJob job = service().add(new CronJobSpec(schedule, message, session, channel, target));
        return "added cron job " + job.id() + ", next run " + (job.nextRun() == null ? "never" : TIME.format(job.nextRun()))
                + "\n";
    }

    private CronService service() {
        CronService current = scheduler;
        if (current == null) {
            throw new IllegalStateException("the cron scheduler is not running");
        }
        return current;
    }
}
