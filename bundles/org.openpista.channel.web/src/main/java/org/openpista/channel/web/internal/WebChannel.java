package org.openpista.channel.web.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.FrameFields;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web chat channel, in the daemon only (it needs {@link DaemonControl}). It runs with safe
 * defaults when config.toml has no {@code [channels.web]} section: it listens on 127.0.0.1:3210,
 * and when no token is configured it generates one, saves it to config.toml and requires it from
 * every client. Anywhere but loopback it refuses to listen without a token of at least 16
 * characters, wherever the token comes from.
 *
 * <p>When it serves, it configures Felix HTTP (Jetty 12) to listen where {@code [channels.web]}
 * says and creates the {@link WebChat} through its component factory; the servlets follow it.
 * Otherwise it stays registered and says why in its status (and its ready line).
 */
@SettingsSection(value = WebChannel.SECTION, pid = WebChannel.PID,
        formats = {"cors_origins=" + SettingsSection.CSV, "static_dir=" + SettingsSection.PATH,
            "tls_cert=" + SettingsSection.PATH, "tls_key=" + SettingsSection.PATH},
        env = {"token=OPENPISTA_WEB_TOKEN", "port=OPENPISTA_WEB_PORT"})
@Component(
        service = ChannelAdapter.class,
        configurationPid = WebChannel.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        property = ChannelAdapter.CHANNEL + "=" + ChatHub.CHANNEL)
@Designate(ocd = WebChannel.Config.class)
public class WebChannel implements ChannelAdapter {

    static final String PID = "org.openpista.channel.web";
    /** The table of config.toml. */
    static final String SECTION = "channels.web";

    /** The {@code [channels.web]} table of config.toml ({@code approval} is the agent's, for every channel). */
    @ObjectClassDefinition(name = "Web chat", description = "The browser chat: a web page and a WebSocket served on this "
            + "machine, for you and the browsers you give the token to.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Serve the web chat in the daemon (openpista start); "
                + "openpista web start serves it either way.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Bind", description = "The address to listen on: 127.0.0.1 for this machine only, "
                + "0.0.0.0 for every network (then the token must have at least 16 characters).")
        String bind() default WebSettings.DEFAULT_BIND;

        @AttributeDefinition(name = "Port", description = "The port to listen on; 0 for any free one.", min = "0",
                max = "65535")
        int port() default 3210;

        @AttributeDefinition(name = "Token", description = "The token every browser must present; empty: generated on "
                + "first start, saved here and printed with the URL.", type = AttributeType.PASSWORD)
        String _token() default "";

        @AttributeDefinition(name = "CORS origins", description = "Pages of other sites allowed to talk to the chat: "
                + "\"*\" for all, or \"https://a.example, https://b.example\" or a list; empty: the chat's own page only.")
        String[] cors_origins() default {};

        @AttributeDefinition(name = "Static folder", description = "A folder with a browser UI to serve instead of the "
                + "bundled one; empty: the bundled UI.")
        String static_dir() default "";

        @AttributeDefinition(name = "Shared session", description = "One session that every browser (and the terminal) "
                + "shares; empty: one session per browser.")
        String shared_session_id() default "";

        @AttributeDefinition(name = "Maximum frame", description = "The largest message, in bytes, a logged-in browser may "
                + "send at once (at least 64 KiB are always allowed); it bounds uploaded photos and files, which travel "
                + "base64-encoded (a third larger).", min = "1")
        int max_frame_bytes() default 16 * 1024 * 1024;

        @AttributeDefinition(name = "TLS certificate", description = "A PEM certificate (chain) to serve HTTPS and wss:// "
                + "with, for example Let's Encrypt's fullchain.pem; needs tls_key. Empty: plain HTTP, unless "
                + "tls_self_signed.")
        String tls_cert() default "";

        @AttributeDefinition(name = "TLS key", description = "The PEM private key of tls_cert (unencrypted, PKCS#8 or RSA).")
        String tls_key() default "";

        @AttributeDefinition(name = "Self-signed TLS", description = "Serve HTTPS with a certificate generated once for "
                + "this machine (kept in web-tls/ of the openpista home; browsers ask to trust it the first time), so a "
                + "phone on the LAN can use wss://. Ignored when tls_cert is set.")
        boolean tls_self_signed() default false;

        @AttributeDefinition(name = "Turn limit", description = "Seconds a turn started from the web may run (time spent "
                + "waiting for your approval not counted).", min = "1")
        int turn_timeout_secs() default 120;

        @AttributeDefinition(name = "Approval wait", description = "Seconds an approval question waits for an answer in "
                + "the browser before it counts as refused.", min = "1")
        int approval_timeout_secs() default 600;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebChannel.class);

    private final Serving serving;
    private final ConfigurationAdmin configAdmin;
    /** Why HTTPS cannot be served as configured, or {@code null}. */
    private final String tlsProblem;
    private final String tlsFingerprint;
    private final ComponentInstance<WebChat> chat;

    private volatile ServiceReference<HttpServiceRuntime> httpRuntime;

    @Activate
    public WebChannel(
            @Reference DaemonControl daemon,
            @Reference ConfigurationAdmin configAdmin,
            @Reference ConfigFileEditor configEditor,
            @Reference(target = "(" + ComponentConstants.COMPONENT_FACTORY + "=" + WebChat.FACTORY + ")")
                    ComponentFactory<WebChat> chats,
            Config config,
            Map<String, Object> properties,
            BundleContext context) {
        this.configAdmin = configAdmin;
        WebSettings configured = WebSettings.from(config);
        boolean runs = daemon.runsChannel(ChatHub.CHANNEL, configured.enabled());
        this.serving = Serving.decide(configured, runs, token -> saveToken(configEditor, token));
        TlsKeystore keystore = null;
        String tls = null;
        if (serving.serves() && configured.tls().enabled()) {
            try {
                keystore = configured.tls().keystore(ConfigurationLoader.home(context), configured.bind());
            } catch (IOException | RuntimeException e) {
                tls = "HTTPS cannot be served: " + FrameFields.describe(e);
            }
        }
        this.tlsProblem = tls;
        this.tlsFingerprint = fingerprint(keystore);
        if (!serving.serves() || tls != null) {
            this.chat = null;
            if (runs) {
                LOG.error("The web chat does not start: {}", tls != null ? tls : serving.problem());
            }
            return;
        }
        WebSettings settings = serving.settings();
        if (settings.anyOrigin()) {
            LOG.warn("[channels.web] cors_origins = \"*\": pages of every site may talk to the web chat (they still need the token)");
        }
        this.chat = chats.newInstance(chatProperties(properties, settings.token()));
        try {
            HttpServerConfig.apply(configAdmin, settings, keystore);
        } catch (IOException e) {
            LOG.error("Cannot configure the HTTP server", e);
        }
        LOG.info("Web chat on {}", settings.url(settings.port()));
    }

    private static String fingerprint(TlsKeystore keystore) {
        try {
            return keystore == null ? null : keystore.fingerprint();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @return the chat's properties: this configuration with the token in use (private: never a
     *     service property), without what identifies this component or its service
     */
    private static Hashtable<String, Object> chatProperties(Map<String, Object> properties, String token) {
        Hashtable<String, Object> copy = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (value != null && !key.startsWith("component.") && !key.startsWith("service.") && !key.startsWith("osgi.")
                    && !key.equals(ChannelAdapter.CHANNEL)) {
                copy.put(key, value);
            }
        });
        copy.put(".token", token);
        return copy;
    }

    /** Saves a generated token to config.toml; @return what to tell the owner about it */
    private static String saveToken(ConfigFileEditor configEditor, String token) {
        try {
            Path file = configEditor.setSecret(SECTION, "token", token);
            LOG.info("Generated a web token and saved it to {} ([channels.web] token)", file);
            return "Generated a token and saved it in " + file + " ([channels.web] token).";
        } catch (IOException | RuntimeException e) {
            LOG.warn("Generated a web token but cannot save it to config.toml: {}; it is valid until openpista stops",
                    FrameFields.describe(e));
            return "The generated token could not be saved to config.toml (" + FrameFields.describe(e)
                    + "): it holds until openpista stops; set one with: openpista web setup";
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

    @Override
    public String id() {
        return ChatHub.CHANNEL;
    }

    @Override
    public String status() {
        if (tlsProblem != null) {
            return "not listening: " + tlsProblem;
        }
        if (!serving.serves()) {
            return serving.refusedStatus();
        }
        ServiceReference<HttpServiceRuntime> runtime = httpRuntime;
        if (runtime == null) {
            return "starting on " + serving.settings().url(serving.settings().port());
        }
        WebChat serving = chat.getInstance();
        if (serving == null) {
            return "stopping";
        }
        int clients = serving.hub().connectionCount();
        return "listening on " + url(runtime) + " (" + clients + (clients == 1 ? " client)" : " clients)");
    }

    /** @return true: the chat's URL with its token, or why it does not listen */
    @Override
    public boolean hasReadyLines() {
        return true;
    }

    /**
     * The URL with the token, for the owner's terminal ({@code openpista start} prints it, never into a
     * log), or why the chat does not listen.
     */
    @Override
    public List<String> readyLines() {
        if (tlsProblem != null) {
            return serving.runs() ? List.of(Serving.READY + "not listening: " + tlsProblem) : List.of();
        }
        List<String> lines = serving.readyLines(url(httpRuntime));
        if (tlsFingerprint != null && serving.serves() && serving.settings().tls().selfSigned()
                && serving.settings().tls().cert() == null) {
            List<String> withFingerprint = new java.util.ArrayList<>(lines);
            withFingerprint.add("  self-signed certificate, SHA-256 " + tlsFingerprint
                    + " (check it when the browser asks to trust it)");
            return withFingerprint;
        }
        return lines;
    }

    /** @return the chat's URL, with the port Jetty really listens on once it runs ({@code port = 0}) */
    private String url(ServiceReference<HttpServiceRuntime> runtime) {
        WebSettings settings = serving.settings();
        int port = settings.port();
        Object actual = runtime == null ? null : runtime.getProperty(settings.tls().enabled()
                ? "org.osgi.service.http.port.secure" : "org.osgi.service.http.port");
        if (actual != null) {
            try {
                port = Integer.parseInt(actual.toString().strip());
            } catch (NumberFormatException ignored) {
                // keep the configured port
            }
        }
        return settings.url(port);
    }

    @Override
    public void deliver(String target, String text) {
        // the chat is gone for a moment when a service it needs (the agent core) is updated
        WebChat serving = chat == null ? null : chat.getInstance();
        if (serving == null || serving.hub().deliver(target, text) == 0) {
            throw new IllegalStateException("no web client \"" + target + "\" is connected");
        }
    }

    @Deactivate
    void deactivate() {
        if (chat != null) {
            chat.dispose();
            try {
                HttpServerConfig.remove(configAdmin);
            } catch (IOException | IllegalStateException e) {
                LOG.debug("Cannot remove the HTTP server configuration", e);
            }
        }
    }
}
