package org.openpista.channel.support;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.admin.DaemonLauncher;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The mechanics a channel's {@code openpista <channel>} command shares with the other channels: the
 * framework it runs in (bundle context, configuration loader, config.toml editor), the channel's
 * settings as the configuration gives them, where a secret comes from, and the first steps of {@code
 * start}. The subclass stays the channel's own component: its annotations, its command name, verbs and
 * texts, its configuration and its settings type are the channel's, and it passes its settings in. The
 * optional references every channel's command holds (the launcher, the daemon's client, Declarative
 * Services) are fields of this class; the channel's bnd.bnd says {@code -dsannotations-options:
 * inherit} so that its component declares them.
 *
 * @param <S> the channel's settings, read from its own config.toml table
 */
public abstract class ChannelCommand<S> {

    /** Exit statuses of the command line (those of {@link ChannelStart}). */
    public static final int OK = ChannelStart.OK;
    public static final int FAILED = ChannelStart.FAILED;
    public static final int USAGE = ChannelStart.USAGE;

    private final String channel;
    private final String section;
    private final BundleContext context;
    private final ConfigurationLoader loader;
    private final ConfigFileEditor editor;
    private volatile S settings;

    /** The launcher: there only in the process of the command line, which {@code start} makes the daemon. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    protected DaemonLauncher launcher;

    /** The admin socket's client, to ask a running daemon ({@code status}). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    protected DaemonClient daemon;

    /** Declarative Services, to wait until the channel's component holds a token given for one run. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    protected ServiceComponentRuntime components;

    /**
     * @param channel the channel's id, the command's name ({@code telegram})
     * @param section the channel's table of config.toml ({@code channels.telegram})
     * @param settings the channel's settings as the configuration gives them now
     */
    protected ChannelCommand(String channel, String section, BundleContext context, ConfigurationLoader loader,
            ConfigFileEditor editor, S settings) {
        this.channel = channel;
        this.section = section;
        this.context = context;
        this.loader = loader;
        this.editor = editor;
        this.settings = settings;
    }

    /** @return the command's bundle context */
    public final BundleContext context() {
        return context;
    }

    /** @return the launcher, null outside the command line */
    public final DaemonLauncher launcher() {
        return launcher;
    }

    /** @return the admin socket's client, null outside the command line */
    public final DaemonClient daemon() {
        return daemon;
    }

    /** @return the configuration as the daemon loads it (file and environment) */
    public final ConfigurationLoader loader() {
        return loader;
    }

    /** @return what writes the channel's keys into config.toml ({@code setup}) */
    public final ConfigFileEditor editor() {
        return editor;
    }

    /** @return the channel's table of config.toml with the environment's overrides, as the channel reads it */
    public final S settings() {
        return settings;
    }

    /** Takes the settings of a configuration loaded again (the component's {@code @Modified}). */
    protected final void settings(S changed) {
        this.settings = changed;
    }

    /** @return where a secret in use comes from: its environment variable, or the file */
    public final String source(String key) {
        return loader.environmentOf(section, key).orElse("config.toml");
    }

    /**
     * Writes keys of the channel's table into config.toml ({@code setup}), keeping the file's other
     * tables, keys and comments.
     *
     * @param values the keys and their values, already checked
     * @param checked what was checked and is fine, for the message when the file cannot be written ({@code
     *     the bot @name is})
     * @param err where to tell why the file cannot be written
     * @return the file written, or null after telling why on {@code err}
     */
    public final Path save(Map<String, Object> values, String checked, PrintStream err) {
        try {
            return editor.set(section, values);
        } catch (IOException | RuntimeException e) {
            err.println("openpista: " + checked + " fine, but config.toml cannot be written: " + e.getMessage());
            return null;
        }
    }

    /**
     * The first step of {@code start}: it runs only from the command line, where the launcher is there.
     *
     * @return true when it is there; otherwise false after telling so on {@code err}
     */
    public final boolean fromCommandLine(PrintStream err) {
        if (launcher == null) {
            err.println("openpista: " + channel + " start runs only from the command line");
            return false;
        }
        return true;
    }

    /**
     * Uses secrets given to {@code start} for this run only (never written, never a system property):
     * loads the configuration again with them, then waits until Declarative Services holds one of them
     * for the channel's component (see {@link ChannelStart#awaitProperty}).
     *
     * @param values the keys of the channel's table and their values, already checked
     * @param component the channel's component class
     * @param property the component property to wait for ({@code .token} for a private {@code token} key)
     * @param awaited the value it must hold
     * @return {@link #OK}, or {@link #USAGE} after telling why on {@code err} when the configuration no longer loads
     */
    public final int useForThisRun(Map<String, String> values, Class<?> component, String property, Object awaited,
            PrintStream err) throws InterruptedException {
        if (ChannelStart.overrideForThisRun(loader, section, values, err) != OK) {
            return USAGE;
        }
        if (components != null) {
            ChannelStart.awaitProperty(components, context.getBundle(), component.getName(), property, awaited);
        }
        return OK;
    }

    /**
     * @param offReason why the channel would not run ({@code off (no token)}), null when it would
     * @param err where to tell it
     * @return true when the channel can run; otherwise false after telling why on {@code err}
     */
    public final boolean canRun(String offReason, PrintStream err) {
        if (offReason == null) {
            return true;
        }
        err.println("openpista: " + channel + ": " + offReason.substring("off (".length(), offReason.length() - 1));
        return false;
    }
}
