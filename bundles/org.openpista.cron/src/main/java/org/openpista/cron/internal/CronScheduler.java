package org.openpista.cron.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
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
 * a job names a channel and target, its answer is delivered there through that channel's adapter.
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
    /** The timer wakes at least this often, so a changed system clock is noticed. */
    private static final Duration MAX_SLEEP = Duration.ofSeconds(60);

    /** One job and its state; guarded by the scheduler's lock. */
    private static final class Entry {
        final String id;
        final CronJobSpec spec;
        final boolean fromConfig;
        final CronExpression expression;
        final String problem;
        ZonedDateTime nextRun;
        Instant lastRun;
        String lastOutcome = "";
        boolean running;
        long missed;
        long skipped;

        Entry(String id, CronJobSpec spec, boolean fromConfig) {
            this.id = id;
            this.spec = spec;
            this.fromConfig = fromConfig;
            CronExpression parsed = null;
            String error = null;
            try {
                parsed = CronExpression.parse(spec.schedule());
            } catch (IllegalArgumentException e) {
                error = "invalid schedule: " + e.getMessage();
            }
            this.expression = parsed;
            this.problem = error;
            this.lastOutcome = error == null ? "" : error;
        }

        CronJob view() {
            return new CronJob(id, spec, fromConfig, nextRun == null ? null : nextRun.toInstant(), lastRun, lastOutcome,
                    running, missed, skipped);
        }
    }

    private final AgentGateway gateway;
    private final CronState state;
    private final Clock clock;
    private final ZoneId zone;
    private final ScheduledExecutorService timer;
    private final ObjectMapper json = new ObjectMapper();
    private final Object lock = new Object();
    private Map<String, Entry> entries = new LinkedHashMap<>();
    private List<CronJobSpec> configured = List.of();
    private ScheduledFuture<?> wakeUp;
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
        this.gateway = gateway;
        this.state = new CronState(stateFile);
        this.clock = clock;
        this.zone = zone;
        this.timer = withTimer ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-cron");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    @Modified
    void configure(Config config) {
        List<CronJobSpec> specs = new ArrayList<>();
        for (String entry : config.jobs()) {
            try {
                JsonNode job = json.readTree(entry);
                specs.add(new CronJobSpec(job.path("schedule").asText(""), job.path("message").asText(""),
                        job.path("session").asText(""), job.path("channel").asText(""), job.path("target").asText("")));
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
            return entries.values().stream().map(Entry::view).toList();
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
            Entry added = null;
            for (Entry entry : entries.values()) {
                if (!entry.fromConfig && entry.spec.equals(spec)) {
                    added = entry;
                }
            }
            LOG.info("Cron job {} added: {} \"{}\"", added.id, spec.schedule(), spec.message());
            return added.view();
        }
    }

    @Override
    public boolean remove(String id) {
        synchronized (lock) {
            Entry entry = entries.get(id);
            if (entry == null) {
                return false;
            }
            if (entry.fromConfig) {
                throw new IllegalArgumentException("the job " + id + " comes from config.toml; remove its [[cron]] entry "
                        + "there and reload");
            }
            state.remove(entry.spec);
            rebuild();
            LOG.info("Cron job {} removed", id);
            return true;
        }
    }

    /** Recreates the job table from the configured and added jobs, keeping the state of jobs that stay. */
    private void rebuild() {
        Instant now = clock.instant();
        Map<String, Entry> next = new LinkedHashMap<>();
        for (CronJobSpec spec : configured) {
            put(next, new Entry(uniqueId(next, spec), spec, true));
        }
        for (CronJobSpec spec : state.added()) {
            put(next, new Entry(uniqueId(next, spec), spec, false));
        }
        for (Entry entry : next.values()) {
            Entry old = entries.get(entry.id);
            if (old != null && old.spec.equals(entry.spec)) {
                entry.lastRun = old.lastRun;
                entry.lastOutcome = old.lastOutcome.isEmpty() ? entry.lastOutcome : old.lastOutcome;
                entry.running = old.running;
                entry.missed = old.missed;
                entry.skipped = old.skipped;
            } else {
                reportMissedRuns(entry, now);
            }
            if (entry.expression != null) {
                entry.nextRun = entry.expression.next(ZonedDateTime.ofInstant(now, zone));
            } else {
                LOG.error("Cron job {} ({}) never runs: {}", entry.id, entry.spec.schedule(), entry.problem);
            }
        }
        entries = next;
        state.retain(new HashSet<>(next.keySet()));
        state.save();
        reschedule();
    }

    /** Counts the runs between the last time the job was due (or first seen) and now: the daemon was down then. */
    private void reportMissedRuns(Entry entry, Instant now) {
        CronState.Times times = state.times(entry.id);
        if (times == null) {
            state.times(entry.id, new CronState.Times(now, null));
            return;
        }
        if (entry.expression == null) {
            return;
        }
        Instant from = times.lastDue() != null ? times.lastDue() : times.since();
        long missed = 0;
        Instant first = null;
        ZonedDateTime time = entry.expression.next(ZonedDateTime.ofInstant(from, zone));
        while (time != null && !time.toInstant().isAfter(now) && missed < 100_000) {
            if (first == null) {
                first = time.toInstant();
            }
            missed++;
            time = entry.expression.next(time);
        }
        if (missed > 0) {
            entry.missed = missed;
            entry.lastOutcome = "missed " + missed + " run(s) while openpista was down, first at " + first;
            LOG.warn("Cron job {} ({} \"{}\") missed {} run(s) while openpista was down (first at {}); missed runs are "
                    + "not replayed", entry.id, entry.spec.schedule(), entry.spec.message(), missed, first);
            state.times(entry.id, new CronState.Times(times.since(), now));
        }
    }

    /** Starts every job that is due at {@code now}; a job whose previous run is still going is skipped. */
    void tick(Instant now) {
        List<Entry> due = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean anyDue = false;
            for (Entry entry : entries.values()) {
                if (entry.nextRun == null || entry.nextRun.toInstant().isAfter(now)) {
                    continue;
                }
                anyDue = true;
                Instant dueAt = entry.nextRun.toInstant();
                entry.nextRun = entry.expression.next(ZonedDateTime.ofInstant(now, zone));
                CronState.Times times = state.times(entry.id);
                state.times(entry.id, new CronState.Times(times == null ? now : times.since(), dueAt));
                if (entry.running) {
                    entry.skipped++;
                    LOG.info("Cron job {} is due but its previous run is still going; skipped", entry.id);
                    continue;
                }
                entry.running = true;
                entry.lastRun = now;
                due.add(entry);
            }
            if (anyDue) {
                state.save();
            }
        }
        for (Entry entry : due) {
            start(entry);
        }
        synchronized (lock) {
            reschedule();
        }
    }

    private void start(Entry entry) {
        CronJobSpec spec = entry.spec;
        boolean delivers = !spec.channel().isEmpty();
        String channel = delivers ? spec.channel() : "cron";
        String conversation = delivers && !spec.target().isEmpty() ? spec.channel() + ":" + spec.target() : "cron:" + entry.id;
        InboundMessage message = new InboundMessage(channel, conversation, spec.session().isEmpty() ? null : spec.session(),
                "cron", spec.message(), List.of(), Map.of("cron.job", entry.id));
        LOG.info("Cron job {} runs: \"{}\"", entry.id, spec.message());
        try {
            gateway.submit(message, new ReplySink() {
                @Override
                public void reply(AgentReply reply) {
                    finished(entry, reply);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Cron job {} could not be submitted", entry.id, e);
            finished(entry, AgentReply.failure("", "could not submit: " + e.getMessage()));
        }
    }

    private void finished(Entry entry, AgentReply reply) {
        String outcome = reply.error() ? "failed: " + reply.text() : "answered in session " + reply.sessionId();
        if (!reply.error() && !entry.spec.channel().isEmpty()) {
            outcome = deliver(entry, reply.text());
        }
        synchronized (lock) {
            entry.running = false;
            entry.lastOutcome = outcome;
        }
        LOG.info("Cron job {}: {}", entry.id, outcome);
    }

    private String deliver(Entry entry, String text) {
        String channel = entry.spec.channel();
        for (ChannelAdapter adapter : channels) {
            try {
                if (adapter.id().equals(channel)) {
                    adapter.deliver(entry.spec.target(), text);
                    return "answered and delivered to " + channel + ":" + entry.spec.target();
                }
            } catch (Exception | LinkageError e) {
                LOG.warn("Cron job {} could not deliver its answer through {}", entry.id, channel, e);
                return "answered, but delivery through " + channel + " failed: " + e.getMessage();
            }
        }
        return "answered, but the channel " + channel + " is not running, so it was not delivered";
    }

    private void reschedule() {
        if (timer == null || closed) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        Instant now = clock.instant();
        Instant earliest = now.plus(MAX_SLEEP);
        for (Entry entry : entries.values()) {
            if (entry.nextRun != null && entry.nextRun.toInstant().isBefore(earliest)) {
                earliest = entry.nextRun.toInstant();
            }
        }
        long delay = Math.max(0, Duration.between(now, earliest).toMillis());
        wakeUp = timer.schedule(() -> {
            try {
                tick(clock.instant());
            } catch (RuntimeException e) {
                LOG.error("The cron timer failed", e);
                synchronized (lock) {
                    reschedule();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            closed = true;
            state.save();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static void put(Map<String, Entry> entries, Entry entry) {
        entries.put(entry.id, entry);
    }

    /** A short id from the job's content, so the same job keeps its id (and its run history) across restarts. */
    private static String uniqueId(Map<String, Entry> taken, CronJobSpec spec) {
        String base = hash(spec.schedule() + "\n" + spec.message() + "\n" + spec.session() + "\n" + spec.channel() + "\n"
                + spec.target());
        String id = base;
        for (int n = 2; taken.containsKey(id); n++) {
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

    /** For tests: the set of job ids. */
    Set<String> ids() {
        synchronized (lock) {
            return Set.copyOf(entries.keySet());
        }
    }
}
