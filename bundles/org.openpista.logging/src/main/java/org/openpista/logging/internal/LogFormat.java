package org.openpista.logging.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * {@code [log] format = "json"}: the process's log files (the launcher's rotating {@code
 * logs/openpista.N.log} and {@code debug.log}) get one JSON object a line, with the turn's session,
 * channel and turn id ({@link TurnContext}) and secrets redacted: the values of every secret in the
 * configuration and what looks like a key. Standard error keeps the short text lines meant for a
 * terminal. With {@code "text"} (the default) it does nothing. Stopping puts the text format back.
 */
@SettingsSection(value = "log", pid = LogFormat.PID)
@Component(configurationPid = LogFormat.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = LogFormat.Config.class)
public final class LogFormat {

    static final String PID = "org.openpista.logging";

    /** The {@code [log]} table. */
    @ObjectClassDefinition(name = "Log", description = "The format of the log files.")
    public @interface Config {
        @AttributeDefinition(name = "Format", description = "text: one readable line a record; json: one JSON object "
                + "a line (ts, level, logger, msg, session, channel, turn, error), secrets redacted.",
                options = {@Option(value = "text", label = "text"), @Option(value = "json", label = "json")})
        String format() default "text";
    }

    private final Map<Handler, Formatter> replaced = new IdentityHashMap<>();
    private final ServiceRegistration<TurnObserver> context;
    private final BundleContext bundleContext;

    @Activate
    public LogFormat(BundleContext bundleContext, @Reference ConfigurationAdmin configurations, Config config) {
        this.bundleContext = bundleContext;
        if (!"json".equals(config.format())) {
            this.context = null;
            return;
        }
        TurnContext turns = new TurnContext();
        JsonLines json = new JsonLines(new Redactor(secrets(configurations)), turns);
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler instanceof FileHandler) {
                replaced.put(handler, handler.getFormatter());
                handler.setFormatter(json);
            }
        }
        this.context = bundleContext.registerService(TurnObserver.class, turns, null);
    }

    /** @return the values of the private (secret) properties of every configuration */
    static List<String> secrets(ConfigurationAdmin configurations) {
        List<String> values = new ArrayList<>();
        try {
            Configuration[] all = configurations.listConfigurations(null);
            for (Configuration configuration : all == null ? new Configuration[0] : all) {
                Dictionary<String, Object> properties = configuration.getProperties();
                if (properties == null) {
                    continue;
                }
                for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                    String key = keys.nextElement();
                    if (key.startsWith(".") || key.contains(".token") || key.contains("secret")) {
                        add(values, properties.get(key));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            // the shapes of keys are still redacted
        }
        return values;
    }

    private static void add(List<String> values, Object value) {
        if (value instanceof String text) {
            values.add(text);
        } else if (value instanceof String[] texts) {
            values.addAll(List.of(texts));
        }
    }

    @Deactivate
    void deactivate() {
        if (context != null) {
            try {
                context.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        // while the whole process stops, its last lines stay JSON: one file, one format
        if (bundleContext.getBundle(0).getState() != org.osgi.framework.Bundle.STOPPING) {
            replaced.forEach(Handler::setFormatter);
        }
    }
}
