package org.openpista.channel.web.internal;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.openpista.api.auth.AuthService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.session.SessionRouter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web chat channel. It runs with safe defaults when config.toml has no {@code [channels.web]}
 * section: it listens on 127.0.0.1:3210, and when no token is configured it generates one, saves it
 * to config.toml and requires it from every client. It refuses to listen on any other address
 * without a token.
 *
 * <p>It configures Felix HTTP (Jetty 12) to listen where {@code [channels.web]} says, and registers
 * two whiteboard servlets: the WebSocket at {@code /ws} and the pages at {@code /*}.
 */
@Component(
        service = ChannelAdapter.class,
        configurationPid = WebChannel.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        property = ChannelAdapter.CHANNEL + "=" + ChatHub.CHANNEL)
@Designate(ocd = WebChannel.Config.class)
public class WebChannel implements ChannelAdapter {

    static final String PID = "org.openpista.channel.web";

    /** The {@code [channels.web]} section of config.toml. */
    @ObjectClassDefinition(name = "openpista web channel", description = "The browser chat over WebSocket.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Whether the web chat serves at all.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Bind", description = "The address to listen on; anything but loopback needs a token.")
        String bind() default WebSettings.DEFAULT_BIND;

        @AttributeDefinition(name = "Port", description = "The port; 0 for any free one.")
        int port() default 3210;

        @AttributeDefinition(name = "Token", description = "The access token; empty: generated and saved on first start.")
        String _token() default "";

        @AttributeDefinition(name = "CORS origins", description = "Origins allowed besides the page's own; * for all.")
        String[] cors_origins() default {};

        @AttributeDefinition(name = "Static folder", description = "A UI to serve instead of the bundled one.")
        String static_dir() default "";

        @AttributeDefinition(name = "Shared session", description = "One session for every client; empty for one per client.")
        String shared_session_id() default "";

        @AttributeDefinition(name = "Maximum frame", description = "Bytes an authenticated client may send in one frame.")
        int max_frame_bytes() default 1024 * 1024;

        @AttributeDefinition(name = "Turn limit", description = "Seconds a turn may run, approval waits not counted.")
        int turn_timeout_secs() default 120;

        @AttributeDefinition(name = "Approval wait", description = "Seconds an approval question waits for an answer.")
        int approval_timeout_secs() default 600;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebChannel.class);

    private final WebSettings settings;
    private final ConfigurationAdmin configAdmin;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final ChatHub hub;
    private final String problem;
    private final Pairings pairings = new Pairings();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ModelSelector modelSelector;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AuthService authService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SessionRouter sessionRouter;

    private volatile ServiceReference<HttpServiceRuntime> httpRuntime;

    @Activate
    public WebChannel(
            @Reference AgentGateway gateway,
            @Reference ConversationStore store,
            @Reference ConfigurationAdmin configAdmin,
            @Reference ConfigFileEditor configEditor,
            BundleContext context,
            Config config) {
        this.configAdmin = configAdmin;
        WebSettings configured = WebSettings.from(config);
        String refusal = null;
        if (!configured.enabled()) {
            refusal = "disabled ([channels.web] enabled = false)";
        } else if (!configured.tokenRequired() && !configured.loopback()) {
            refusal = "refusing to listen on " + configured.bind() + " without a token: set [channels.web] token "
                    + "(openpista web setup --token ...) or OPENPISTA_WEB_TOKEN, or bind to 127.0.0.1";
        } else if (!configured.tokenRequired()) {
            configured = configured.withToken(generateToken(configEditor));
        }
        StaticFiles files = new StaticFiles(configured.staticDir(), path -> WebChannel.class.getClassLoader()
                .getResource("web/" + path));
        if (refusal == null) {
            refusal = files.problem();
            if (refusal == null) {
                refusal = probe(configured);
            }
        }
        this.settings = configured;
        this.problem = refusal;
        if (refusal != null) {
            this.hub = null;
            if (configured.enabled()) {
                LOG.error("The web chat does not start: {}", refusal);
            }
            return;
        }
        if (settings.anyOrigin()) {
            LOG.warn("[channels.web] cors_origins = \"*\": pages of every site may talk to the web chat (they still need the token)");
        }
        Authenticator authenticator = new Authenticator(settings.token(), Clock.systemUTC(), new SecureRandom());
        this.hub = new ChatHub(settings, authenticator, gateway, store, new Services());
        OriginPolicy origins = new OriginPolicy(settings);
        register(context, new SocketServlet(hub, origins), "/ws");
        register(context, new PageServlet(hub, origins, files, this::currentModel), "/*");
        try {
            HttpServerConfig.apply(configAdmin, settings);
        } catch (IOException e) {
            LOG.error("Cannot configure the HTTP server", e);
        }
        LOG.info("Web chat on {}", settings.url(settings.port()));
    }

    private void register(BundleContext context, Servlet servlet, String pattern) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, pattern);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "openpista-web" + pattern.replace("*", ""));
        registrations.add(context.registerService(Servlet.class, servlet, properties));
    }

    /** Generates a token, saves it to config.toml and uses it; a failed save keeps it for this run only. */
    private static String generateToken(ConfigFileEditor configEditor) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        try {
            Path file = configEditor.setSecret("channels.web", "token", token);
            LOG.info("Generated a web token and saved it to {} ([channels.web] token)", file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Generated a web token but cannot save it to config.toml: {}; it is valid until openpista stops",
                    ChatHub.describe(e));
        }
        return token;
    }

    /** @return why the port cannot be used, or {@code null} when it is free */
    private static String probe(WebSettings settings) {
        if (settings.port() == 0) {
            return null;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.bind(), settings.port()));
            return null;
        } catch (IOException e) {
            return "cannot listen on " + settings.bind() + ":" + settings.port() + ": " + ChatHub.describe(e)
                    + " (another program uses the port? set [channels.web] port or OPENPISTA_WEB_PORT)";
        }
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHttpRuntime(ServiceReference<HttpServiceRuntime> reference) {
        httpRuntime = reference;
    }

    void unbindHttpRuntime(ServiceReference<HttpServiceRuntime> reference) {
        if (httpRuntime == reference) {
            httpRuntime = null;
        }
    }

    /** Channels that pair by QR code (WhatsApp's bridge): the UI shows their code and state. */
    @Reference(service = ChannelPairing.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindPairing(ChannelPairing pairing, Map<String, Object> properties) {
        pairings.bind(pairing, properties);
    }

    void unbindPairing(ChannelPairing pairing, Map<String, Object> properties) {
        pairings.unbind(pairing, properties);
    }

    private ModelChoice currentModel() {
        ModelSelector selector = modelSelector;
        try {
            return selector == null ? null : selector.current();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String id() {
        return ChatHub.CHANNEL;
    }

    @Override
    public String status() {
        if (problem != null) {
            return settings.enabled() ? "not listening: " + problem : problem;
        }
        ServiceReference<HttpServiceRuntime> runtime = httpRuntime;
        if (runtime == null) {
            return "starting on " + settings.url(settings.port());
        }
        int port = settings.port();
        Object actual = runtime.getProperty("org.osgi.service.http.port");
        if (actual != null) {
            try {
                port = Integer.parseInt(actual.toString().strip());
            } catch (NumberFormatException ignored) {
                // keep the configured port
            }
        }
        int clients = hub.connectionCount();
        return "listening on " + settings.url(port) + " (" + clients + (clients == 1 ? " client)" : " clients)");
    }

    @Override
    public void deliver(String target, String text) {
        if (hub == null || hub.deliver(target, text) == 0) {
            throw new IllegalStateException("no web client \"" + target + "\" is connected");
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        if (hub != null) {
            hub.close();
            try {
                HttpServerConfig.remove(configAdmin);
            } catch (IOException | IllegalStateException e) {
                LOG.debug("Cannot remove the HTTP server configuration", e);
            }
        }
    }

    /** The optional services as the hub sees them. */
    private final class Services implements OptionalServices {
        @Override
        public ModelSelector models() {
            return modelSelector;
        }

        @Override
        public AuthService auth() {
            return authService;
        }

        @Override
        public SessionRouter router() {
            return sessionRouter;
        }

        @Override
        public ChannelPairing pairing(String channel) {
            return pairings.get(channel);
        }
    }
}
