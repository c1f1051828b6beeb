package org.openpista.channel.whatsapp.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp channel, {@code [channels.whatsapp]} of config.toml. Disabled by default; when
 * enabled it runs in one of two modes and registers what that mode offers:
 *
 * <ul>
 *   <li>{@code bridge}: a personal account as a linked device through the Node.js bridge. Registers
 *       the {@link ChannelAdapter} and the {@link ChannelPairing} whose QR code the terminal and the
 *       web UI show.
 *   <li>{@code cloud}: a business account through the official Cloud API. Registers the {@link
 *       ChannelAdapter} and the webhook servlet at {@value WhatsAppSettings#WEBHOOK_PATH} on the
 *       web channel's HTTP server.
 * </ul>
 *
 * The services are registered by hand rather than declared, because which ones exist depends on
 * the configured mode.
 */
@SettingsSection(value = "channels.whatsapp", pid = WhatsAppChannel.PID,
        env = {"session_dir=WHATSAPP_SESSION_DIR", "bridge_path=WHATSAPP_BRIDGE_PATH"},
        formats = {"session_dir=path", "bridge_path=path", "allowed_numbers=digits", "phone_number_id=digits", "api_url=url"})
@Component(service = {}, configurationPid = WhatsAppChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = WhatsAppChannel.Config.class)
public class WhatsAppChannel {

    static final String PID = "org.openpista.channel.whatsapp";

    /** The {@code [channels.whatsapp]} section of config.toml. */
    @ObjectClassDefinition(name = "openpista WhatsApp channel",
            description = "WhatsApp through the Baileys bridge (personal account) or the Cloud API (business account).")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Run the channel in the daemon (openpista start, openpista "
                + "whatsapp start); openpista whatsapp setup turns it on.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Mode", description = "bridge: a personal account linked by QR code (openpista whatsapp); "
                + "cloud: a business account through the Cloud API.", options = {@Option(value = "bridge", label = "bridge"),
                    @Option(value = "cloud", label = "cloud")})
        String mode() default "bridge";

        @AttributeDefinition(name = "Session folder", description = "Where the bridge keeps the pairing; "
                + "empty: whatsapp-session in the openpista home.")
        String session_dir() default "";

        @AttributeDefinition(name = "Bridge", description = "The bridge program (a .js file or its folder, run with node); "
                + "empty: the bundled one. A bridge of your own must have its node_modules installed.")
        String bridge_path() default "";

        @AttributeDefinition(name = "Allowed numbers", description = "Who may talk to the agent; \"*\" for everybody. "
                + "In bridge mode the owner's own chat is always allowed.")
        String[] allowed_numbers() default {};

        @AttributeDefinition(name = "Phone number id", description = "Cloud API: the business number's id.")
        String phone_number_id() default "";

        @AttributeDefinition(name = "Access token", description = "Cloud API: the access token.", type = AttributeType.PASSWORD)
        String _access_token() default "";

        @AttributeDefinition(name = "Verify token", description = "Cloud API: the webhook's verify token.",
                type = AttributeType.PASSWORD)
        String _verify_token() default "";

        @AttributeDefinition(name = "App secret", description = "Cloud API: the app secret signing webhook deliveries.",
                type = AttributeType.PASSWORD)
        String _app_secret() default "";

        @AttributeDefinition(name = "API URL", description = "Cloud API: the Graph API root; default "
                + WhatsAppSettings.DEFAULT_API_URL + ".")
        String api_url() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppChannel.class);
    private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final BridgeChannel bridge;
    private CloudChannel cloud;

    /**
     * @param daemon present only in the daemon, which says whether the channel runs (a
     *     single-channel daemon runs it even when the file does not enable it)
     */
    @Activate
    public WhatsAppChannel(@Reference AgentGateway gateway, @Reference DaemonControl daemon, BundleContext context,
            Config config) {
        WhatsAppSettings settings = WhatsAppSettings.from(config, ConfigurationLoader.home(context), dist(context));
        if (!daemon.runsChannel("whatsapp", settings.enabled())) {
            LOG.debug("WhatsApp channel disabled ([channels.whatsapp] enabled = false)");
            bridge = null;
            return;
        }
        if (settings.mode() == WhatsAppSettings.Mode.CLOUD) {
            bridge = null;
            startCloud(gateway, context, settings);
            return;
        }
        if (settings.bridgePath() == null) {
            throw new IllegalStateException("no bridge: set [channels.whatsapp] bridge_path");
        }
        bridge = BridgeChannel.of(gateway, settings, RESTART_DELAY);
        registrations.add(context.registerService(new String[] {ChannelAdapter.class.getName(), ChannelPairing.class.getName()},
                bridge, channelProperties()));
        bridge.start();
        LOG.info("WhatsApp channel (bridge {}, session {}, allowed: {})", settings.bridgePath(), settings.sessionDir(),
                settings.allowed());
    }

    private void startCloud(AgentGateway gateway, BundleContext context, WhatsAppSettings settings) {
        cloud = new CloudChannel(gateway, settings);
        List<String> missing = settings.cloudProblems();
        if (!missing.isEmpty()) {
            LOG.error("WhatsApp cloud mode needs {} in [channels.whatsapp]", String.join(", ", missing));
        } else {
            try {
                registrations.add(WebhookRegistration.register(context, cloud.webhook()));
                LOG.info("WhatsApp channel (cloud API, webhook {} on the web channel's server, allowed: {})",
                        WhatsAppSettings.WEBHOOK_PATH, settings.allowed());
            } catch (LinkageError e) {
                String problem = "the webhook needs the web channel's HTTP server (the web feature), which is not installed";
                LOG.error("WhatsApp cloud mode: {}", problem);
                cloud.serving(problem);
            }
        }
        registrations.add(context.registerService(ChannelAdapter.class, cloud, channelProperties()));
    }

    private static Dictionary<String, Object> channelProperties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ChannelAdapter.CHANNEL, Conversations.CHANNEL);
        return properties;
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping the bundle
            }
        }
        if (bridge != null) {
            bridge.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    /** @return the distribution's folder, where the bundled bridge is; {@code null} when unknown */
    static Path dist(BundleContext context) {
        String dist = context.getProperty("openpista.dist");
        return dist == null || dist.isBlank() ? null : Path.of(dist);
    }
}
