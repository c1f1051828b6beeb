package org.openpista.channel.support;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The steps {@code openpista <channel> start} shares between channels: the exit statuses, tokens
 * given on the command line for this run only, and the wait until the channel's component holds them.
 */
public final class ChannelStart {

    /** Exit statuses of the command line. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** How long {@link #awaitProperty} waits before the daemon starts anyway. */
    static final Duration AWAIT = Duration.ofSeconds(10);

    private ChannelStart() {}

    /**
     * Sets keys of a config.toml table for this run only (never written, never a system property)
     * and loads the configuration again with them.
     *
     * @param values the keys and their values, already checked
     * @return {@link #OK}, or {@link #USAGE} after telling why on {@code err} when the configuration no longer loads
     */
    public static int overrideForThisRun(ConfigurationLoader loader, String section, Map<String, String> values,
            PrintStream err) {
        values.forEach((key, value) -> loader.override(section, key, value));
        try {
            loader.load();
            return OK;
        } catch (ConfigException e) {
            err.println("openpista: " + e.getMessage());
            return USAGE;
        }
    }

    /**
     * Waits until Declarative Services holds a value just loaded (a token) for a component, so that
     * the daemon starts the channel with it and not, for a moment, with the file's. Configuration
     * Admin tells components of a change asynchronously; the component's description shows when it
     * arrived. Gives up after a few seconds: the channel is then restarted with the value once it does.
     *
     * @param runtime Declarative Services, null when it is not there (nothing to wait for)
     * @param bundle the bundle of the component
     * @param component the component's name (its class name)
     * @param property the component property ({@code .token} for a private {@code token} key)
     * @param value the value it must hold
     */
    public static void awaitProperty(ServiceComponentRuntime runtime, Bundle bundle, String component, String property,
            Object value) throws InterruptedException {
        if (runtime == null) {
            return;
        }
        ComponentDescriptionDTO description = runtime.getComponentDescriptionDTO(bundle, component);
        if (description == null) {
            return;
        }
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                if (value.equals(configuration.properties.get(property))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }
}
