package org.openpista.upgrade.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot of the home before it is migrated. The memory bundle migrates its database when
 * it starts (start level 2); this component runs at level 1 and watches, synchronously, for a bundle
 * that declares database migrations ({@link SchemaStep}) to be starting: when the file's schema is
 * older than what that bundle brings, or another openpista version used the home last, config.toml,
 * credentials.toml and the database are copied into {@code backups/<time>/} first. That covers every
 * way a new version meets an old home ({@code run}, {@code start}, any command), not only {@code
 * openpista upgrade}. Costs nothing at start: a bundle listener, and reading 100 bytes of the
 * database header when the memory bundle starts.
 */
@SettingsSection(value = "upgrade", pid = HomeGuard.PID)
@Component(service = HomeGuard.class, immediate = true, configurationPid = HomeGuard.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HomeGuard.Config.class)
public final class HomeGuard implements SynchronousBundleListener {

    static final String PID = "org.openpista.upgrade";
    /** The configuration schema this version writes and reads; a file without {@code config_schema} is 1. */
    static final int CONFIG_SCHEMA = 1;

    private static final Logger LOG = LoggerFactory.getLogger(HomeGuard.class);
    private static final String DATABASE_PID = "org.openpista.memory.sqlite";

    /** The {@code [upgrade]} table. */
    @ObjectClassDefinition(name = "Upgrades", description = "Snapshots of the home taken before a new openpista "
            + "version migrates it, which 'openpista rollback' restores.")
    public @interface Config {
        @AttributeDefinition(name = "Kept backups", description = "How many snapshots backups/ keeps; the oldest "
                + "beyond that are deleted after a new one is taken.", min = "1")
        int keep_backups() default 5;

        @AttributeDefinition(name = "Config schema", description = "The version of this file's layout; openpista "
                + "upgrade sets it when it migrates the file. A file without it is version 1.", min = "1")
        int config_schema() default 1;
    }

    private final BundleContext context;
    private final ConfigurationLoader loader;
    private final ConfigurationAdmin admin;
    private final String distribution;
    private volatile Config config;
    /** Set once this process took its snapshot: one per process is enough. */
    private Snapshot taken;

    @Activate
    public HomeGuard(BundleContext context, Config config, @Reference ConfigurationLoader loader,
            @Reference ConfigurationAdmin admin) {
        this.context = context;
        this.config = config;
        this.loader = loader;
        this.admin = admin;
        this.distribution = context.getBundle().getVersion().toString();
        context.addBundleListener(this);
    }

    @Modified
    void modified(Config changed) {
        this.config = changed;
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STARTING) {
            return;
        }
        List<SchemaStep> steps = SchemaStep.of(event.getBundle(), SchemaStep.DATABASE);
        if (steps.isEmpty()) {
            return;
        }
        try {
            HomeState state = state(steps);
            if ((state.databaseBehind() || state.distributionChanged()) && !alreadyKept(state)) {
                Snapshot snapshot = snapshot("before " + event.getBundle().getSymbolicName() + " " + distribution
                        + " started on a home of " + state.lastDistribution().orElse("an earlier version"), state);
                LOG.info("Upgrade: {}; snapshot of the home in {}", state.summary(), snapshot.dir());
            }
            if (!state.lastDistribution().equals(Optional.of(distribution))) {
                HomeRecord.write(state.files().record(), distribution);
            }
        } catch (IOException | RuntimeException e) {
            // the listener cannot stop the bundle from starting; say loudly that no snapshot exists
            LOG.error("Upgrade: no snapshot of the home could be taken before {} started: {}",
                    event.getBundle().getSymbolicName(), e.getMessage(), e);
        }
    }

    /**
     * Whether the newest snapshot already holds this home as it is: taken for this version, at this
     * schema, and the database unchanged since. A migration that fails (the log says why) is tried
     * again at every start; copying the same files each time would only push older snapshots out.
     */
    private boolean alreadyKept(HomeState state) throws IOException {
        Optional<Snapshot> newest = snapshots().find(null);
        if (newest.isEmpty() || !newest.get().fact("upgrading_to").equals(Optional.of(distribution))
                || !newest.get().fact("database_schema").equals(state.databaseSchema().stream().mapToObj(Integer::toString).findFirst())) {
            return false;
        }
        Path copy = newest.get().dir().resolve(Snapshot.DATABASE);
        if (!Files.exists(copy)) {
            return !Files.exists(state.files().database());
        }
        // written since? the main file or, in WAL mode, its log
        for (Path file : List.of(state.files().database(), Path.of(state.files().database() + "-wal"))) {
            if (Files.exists(file) && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(copy)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** @return this distribution's version */
    String distribution() {
        return distribution;
    }

    /** @return the snapshots of this home */
    Snapshots snapshots() {
        return new Snapshots(files().backups());
    }

    /** @return how many snapshots to keep */
    int keepBackups() {
        return Math.max(1, setting("keep.backups", config.keep_backups()));
    }

    /** @return the files of the home, the database as {@code [database]} configures it */
    HomeFiles files() {
        Path home = loader.home();
        return new HomeFiles(home, loader.configFile(), home.resolve("credentials.toml"), databaseFile(home));
    }

    /** @return what the home holds compared with what the installed bundles bring */
    HomeState state() throws IOException {
        return state(SchemaStep.installed(context, SchemaStep.DATABASE));
    }

    private HomeState state(List<SchemaStep> steps) throws IOException {
        HomeFiles files = files();
        OptionalInt database = DatabaseHeader.userVersion(files.database());
        Optional<String> last = HomeRecord.distribution(files.record());
        return new HomeState(files, distribution, last, database, steps, setting("config.schema", config.config_schema()),
                CONFIG_SCHEMA);
    }

    /**
     * Takes a snapshot now, unless this process took one already (then that one).
     *
     * @param reason why, noted in it
     */
    synchronized Snapshot snapshot(String reason, HomeState state) throws IOException {
        if (taken != null) {
            return taken;
        }
        Properties facts = new Properties();
        facts.setProperty("reason", reason);
        facts.setProperty("distribution", state.lastDistribution().orElse(""));
        facts.setProperty("upgrading_to", distribution);
        state.databaseSchema().ifPresent(v -> facts.setProperty("database_schema", Integer.toString(v)));
        facts.setProperty("config_schema", Integer.toString(state.configSchema()));
        Snapshots snapshots = snapshots();
        taken = snapshots.take(state.files(), facts);
        for (Path deleted : snapshots.prune(keepBackups())) {
            LOG.info("Upgrade: deleted the old snapshot {} ([upgrade] keep_backups = {})", deleted, keepBackups());
        }
        return taken;
    }

    /**
     * A number of {@code [upgrade]} as Configuration Admin holds it now: the commands run right after
     * the file was loaded, possibly before the update reached this component.
     */
    private int setting(String key, int fallback) {
        Object value = properties(PID).get(key);
        return value instanceof Number number ? number.intValue() : fallback;
    }

    private Map<String, Object> properties(String pid) {
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null && found.length > 0 && found[0].getProperties() != null) {
                Dictionary<String, Object> properties = found[0].getProperties();
                Map<String, Object> copy = new HashMap<>();
                for (String key : Collections.list(properties.keys())) {
                    copy.put(key, properties.get(key));
                }
                return copy;
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("Upgrade: the configuration {} is not readable: {}", pid, e.getMessage());
        }
        return Map.of();
    }

    private Path databaseFile(Path home) {
        Map<String, Object> database = properties(DATABASE_PID);
        String url = String.valueOf(database.getOrDefault("url", ""));
        return databaseFile(home, url.isBlank() ? String.valueOf(database.getOrDefault("path", "")) : url);
    }

    /** Where {@code [database] url} points, read as the memory bundle reads it. */
    static Path databaseFile(Path home, String configured) {
        String spec = configured == null ? "" : configured.strip();
        if (spec.isEmpty()) {
            return home.resolve("memory.db").toAbsolutePath().normalize();
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sqlite://")) {
            spec = spec.substring("sqlite://".length());
        } else if (lower.startsWith("sqlite:")) {
            spec = spec.substring("sqlite:".length());
        }
        int query = spec.indexOf('?');
        return ConfigurationLoader.resolve(home, query >= 0 ? spec.substring(0, query) : spec);
    }

    /** @return the bundle that migrates the database, if one is installed */
    Optional<Bundle> databaseBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (!SchemaStep.of(bundle, SchemaStep.DATABASE).isEmpty()) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }
}
