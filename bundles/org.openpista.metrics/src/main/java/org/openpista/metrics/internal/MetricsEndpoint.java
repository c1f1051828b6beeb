package org.openpista.metrics.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import org.openpista.api.admin.AgentStatus;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics of the daemon ({@code [metrics]}), in the daemon only (it needs {@link
 * DaemonControl}; a one-shot {@code openpista run} must not take the port). When enabled it
 * registers the {@link AgentMetrics} turn observer and serves them on their own address and port;
 * when disabled it does nothing at all, so the agent core sees no observer and turns cost nothing
 * more. Anywhere but loopback it refuses to listen without a token of at least 16 characters.
 */
@SettingsSection(value = "metrics", pid = MetricsEndpoint.PID,
        env = "token=OPENPISTA_METRICS_TOKEN")
@Component(configurationPid = MetricsEndpoint.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
@Designate(ocd = MetricsEndpoint.Config.class)
public final class MetricsEndpoint {

    static final String PID = "org.openpista.metrics";

    /** The shortest token accepted beyond loopback. */
    static final int MIN_REMOTE_TOKEN = 16;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** The {@code [metrics]} table. */
    @ObjectClassDefinition(name = "Metrics", description = "Prometheus metrics of the daemon.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Serve Prometheus metrics while the daemon runs.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Bind", description = "The address to listen on; anything but loopback needs a "
                + "token.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "The port of the metrics endpoint.", min = "1", max = "65535")
        int port() default 9464;

        @AttributeDefinition(name = "Path", description = "The path Prometheus scrapes.")
        String path() default "/metrics";

        @AttributeDefinition(name = "Token", description = "A bearer token scrapes must send (Authorization: Bearer "
                + "TOKEN); required, of at least 16 characters, when bind is not loopback.",
                type = AttributeType.PASSWORD, required = false)
        String _token() default "";
    }

    private final ScrapeServer server;
    private final ServiceRegistration<TurnObserver> observer;

    /** Where the sessions gauge looks; optional, so the endpoint also serves while the core restarts. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentStatus status;

    @Activate
    public MetricsEndpoint(@Reference DaemonControl daemon, BundleContext context, Config config) {
        if (!config.enabled()) {
            this.server = null;
            this.observer = null;
            return;
        }
        String problem = problem(config);
        if (problem != null) {
            LOG.error("Metrics are not served: {}", problem);
            this.server = null;
            this.observer = null;
            return;
        }
        Path plugins = ConfigurationLoader.home(context).resolve("plugins");
        AgentMetrics metrics = new AgentMetrics(this::activeSessions, () -> activePlugins(context, plugins));
        ScrapeServer started = null;
        try {
            started = new ScrapeServer(new InetSocketAddress(InetAddress.getByName(config.bind().strip()), config.port()),
                    path(config), config._token(), metrics.registry());
            LOG.info("Metrics on http://{}:{}{}", config.bind().strip(), started.port(), path(config));
        } catch (IOException e) {
            LOG.error("Metrics are not served: cannot listen on {}:{} ({}); is the port taken? Set [metrics] port",
                    config.bind(), config.port(), e.getMessage());
        }
        this.server = started;
        this.observer = started == null ? null : context.registerService(TurnObserver.class, metrics, null);
    }

    /** @return why the configuration cannot be served, or {@code null} */
    static String problem(Config config) {
        String bind = config.bind().strip();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            return "[metrics] bind = \"" + bind + "\" is no address of this machine";
        }
        if (!path(config).startsWith("/")) {
            return "[metrics] path must start with /";
        }
        if (!address.isLoopbackAddress() && config._token().length() < MIN_REMOTE_TOKEN) {
            return "[metrics] bind = \"" + bind + "\" reaches beyond this machine and needs a token of at least "
                    + MIN_REMOTE_TOKEN + " characters ([metrics] token or OPENPISTA_METRICS_TOKEN)";
        }
        return null;
    }

    private static String path(Config config) {
        String path = config.path().strip();
        return path.isEmpty() ? "/metrics" : path;
    }

    private int activeSessions() {
        AgentStatus current = status;
        return current == null ? 0 : current.activity().size();
    }

    private static int activePlugins(BundleContext context, Path plugins) {
        // FileInstall's locations are file: URLs of the jars in the folder
        String folder = plugins.toString() + "/";
        int active = 0;
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (bundle.getState() == Bundle.ACTIVE && location != null
                    && location.contains(folder)) {
                active++;
            }
        }
        return active;
    }

    @Deactivate
    void deactivate() {
        if (observer != null) {
            try {
                observer.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        if (server != null) {
            server.close();
        }
    }
}
