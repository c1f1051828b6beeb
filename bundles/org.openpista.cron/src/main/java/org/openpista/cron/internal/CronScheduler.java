package org.openpista.cron.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.cron.CronJob;
import org.openpista.api.cron.CronJobSpec;
import org.openpista.api.cron.CronService;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends scheduled messages to the agent: the {@code [[cron]]} entries of config.toml (PID {@value
 * #PID}, property {@code jobs}, one JSON object per entry) plus jobs added from the admin shell.
 * A job still running when it is due again is skipped, not started twice. Runs that fell into a
 * time the daemon was down are counted and reported once at start, never replayed in a burst. When
 * a job names a channel and target, its answer is delivered there ({@link JobRunner}).
 */
@SettingsSection(value = "cron", pid = CronScheduler.PID, entries = "jobs")
@Component(service = CronService.class, configurationPid = CronScheduler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = CronScheduler.Config.class)
public class CronScheduler implements CronService {

    /** The configuration PID the config loader writes {@code [[cron]]} to. */
    static final String PID = "org.openpista.cron";

    /** The {@code [[cron]]} entries of config.toml. */
    @ObjectClassDefinition(name = "openpista cron", description = "Scheduled messages to the agent.")
    public @interface Config {
        @AttributeDefinition(name = "Jobs", description = "One JSON object per job: schedule, message, session, channel, target.")
        String[] jobs() default {};
    }

    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);

    private final CronState state;
    private final Clock clock;
    private final ZoneId zone;
    /** {@code null} in tests, which drive the scheduler through {@link #tick(Instant)}. */
    private final WakeUpTimer timer;
    private final JobRunner runner;
    private final ObjectMapper json = new ObjectMapper();
    private final Object lock = new Object();
    private Map<String, ScheduledJob> jobs = new LinkedHashMap<>();
    private List<CronJobSpec> configured = List.of();
    private boolean closed;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ChannelAdapter> channels = List.of();

    /**
     * @param daemon present only in the daemon: jobs run there, never in a one-shot command
     */
    @Activate
    public CronScheduler(@Reference AgentGateway gateway, @Reference DaemonControl daemon, BundleContext context,
            Config config) {
        this(gateway, ConfigurationLoader.home(context).resolve("cron.json"), Clock.systemUTC(), ZoneId.systemDefault(), true);
        configure(config);
    }

    /** A scheduler whose timer is optional: tests drive it through {@link #tick(Instant)}. */
    CronScheduler(AgentGateway gateway, Path stateFile, Clock clock, ZoneId zone, boolean withTimer) {
        this.state = new CronState(stateFile);
        this.clock = clock;
        this.zone = zone;
        this.timer = withTimer ? new WakeUpTimer(clock) : null;
        this.runner = new JobRunner(gateway, () -> channels, this::finished);
    }

    @Modified
    void configure(Config config) {
        List<CronJobSpec> specs = new ArrayList<>();
        for (String entry : config.jobs()) {
            try {
                specs.add(CronJobJson.read(json.readTree(entry)));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.error("Ignoring a cron job that is not a JSON object: {}", e.getMessage());
            }
        }
        synchronized (lock) {
            configured = List.copyOf(specs);
            rebuild();
        }
    }

    @Override
    public List<CronJob> jobs() {
        synchronized (lock) {
            return jobs.values().stream().map(ScheduledJob::view).toList();
        }
    }

    @Override
    public CronJob add(CronJobSpec spec) {
        if (spec.message().isBlank()) {
            throw new IllegalArgumentException("the message is empty");
        }
        CronExpression.parse(spec.schedule());
        if (!spec.channel().isEmpty() && spec.target().isEmpty()) {
            throw new IllegalArgumentException("a job that delivers through a channel also needs a target");
        }
        synchronized (lock) {
            state.add(spec);
            rebuild();
            ScheduledJob added = null;
            for (ScheduledJob job : jobs.values()) {
                if (!job.fromConfig && job.spec.equals(spec)) {
                    added = job;
                }
            }
            LOG.info("Cron job {} added: {} \"{}\"", added.id, spec.schedule(), spec.message());
            return added.view();
        }
    }

    @Override
    public boolean remove(String id) {
        synchronized (lock) {
            ScheduledJob job = jobs.get(id);
            if (job == null) {
                return false;
            }
            if (job.fromConfig) {
                throw new IllegalArgumentException("the job " + id + " comes from config.toml; remove its [[cron]] entry "
                        + "there and reload");
            }
            state.remove(job.spec);
            rebuild();
            LOG.info("Cron job {} removed", id);
            return true;
        }
    }

    /** Recreates the job table from the configured and added jobs, keeping the state of jobs that stay. */
    private void rebuild() {
        Instant now = clock.instant();
        Map<String, ScheduledJob> next = new LinkedHashMap<>();
        for (CronJobSpec spec : configured) {
            String id = JobIds.uniqueId(next.keySet(), spec);
            next.put(id, new ScheduledJob(id, spec, true));
        }
        for (CronJobSpec spec : state.added()) {
            String id = JobIds.uniqueId(next.keySet(), spec);
            next.put(id, new ScheduledJob(id, spec, false));
        }
        for (ScheduledJob job : next.values()) {
            ScheduledJob old = jobs.get(job.id);
            if (old != null && old.spec.equals(job.spec)) {
                job.continueFrom(old);
            } else {
                reportMissedRuns(job, now);
            }
            if (job.expression != null) {
                job.nextRun = job.expression.next(ZonedDateTime.ofInstant(now, zone));
            } else {
                LOG.error("Cron job {} ({}) never runs: {}", job.id, job.spec.schedule(), job.problem);
            }
        }
        jobs = next;
        state.retain(new HashSet<>(next.keySet()));
        state.save();
        reschedule();
    }

    /** Counts the runs between the last time the job was due (or first seen) and now: the daemon was down then. */
    private void reportMissedRuns(ScheduledJob job, Instant now) {
        CronState.Times times = state.times(job.id);
        if (times == null) {
            state.times(job.id, new CronState.Times(now, null));
            return;
        }
        if (job.expression == null) {
            return;
        }
        Instant from = times.lastDue() != null ? times.lastDue() : times.since();
        MissedRuns missed = MissedRuns.between(job.expression, from, now, zone);
        if (missed.count() > 0) {
            job.missed = missed.count();
            job.lastOutcome = "missed " + missed.count() + " run(s) while openpista was down, first at " + missed.first();
            LOG.warn("Cron job {} ({} \"{}\") missed {} run(s) while openpista was down (first at {}); missed runs are "
                    + "not replayed", job.id, job.spec.schedule(), job.spec.message(), missed.count(), missed.first());
            state.times(job.id, new CronState.Times(times.since(), now));
        }
    }

    /** Starts every job that is due at {@code now}; a job whose previous run is still going is skipped. */
    void tick(Instant now) {
        List<ScheduledJob> due = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean anyDue = false;
            for (ScheduledJob job : jobs.values()) {
                if (!job.isDue(now)) {
                    continue;
                }
                anyDue = true;
                Instant dueAt = job.nextRun.toInstant();
                job.nextRun = job.expression.next(ZonedDateTime.ofInstant(now, zone));
                CronState.Times times = state.times(job.id);
                state.times(job.id, new CronState.Times(times == null ? now : times.since(), dueAt));
                if (job.running) {
                    job.skipped++;
                    LOG.info("Cron job {} is due but its previous run is still going; skipped", job.id);
                    continue;
                }
                job.running = true;
                job.lastRun = now;
                due.add(job);
            }
            if (anyDue) {
                state.save();
            }
        }
        for (ScheduledJob job : due) {
            runner.run(job);
        }
        synchronized (lock) {
            reschedule();
        }
    }

    private void finished(ScheduledJob job, String outcome) {
        synchronized (lock) {
            job.running = false;
            job.lastOutcome = outcome;
        }
    }

    /** Sets the timer for the earliest next run; the caller holds the lock. */
    private void reschedule() {
        if (timer == null || closed) {
            return;
        }
        Instant earliest = null;
        for (ScheduledJob job : jobs.values()) {
            if (job.nextRun != null && (earliest == null || job.nextRun.toInstant().isBefore(earliest))) {
                earliest = job.nextRun.toInstant();
            }
        }
        timer.wakeAt(earliest, this::tick, () -> {
            synchronized (lock) {
                reschedule();
            }
        });
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            closed = true;
            state.save();
        }
        if (timer != null) {
            timer.close();
        }
    }
}
