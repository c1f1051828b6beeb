package org.openpista.channel.web.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.auth.AuthService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.feed.SessionEvent;
import org.openpista.api.feed.SessionListener;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.ConnectionStatusProvider;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.usage.UsageSummaries;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The web chat while it serves: the credentials, the chat behind the WebSocket, which origins may
 * talk to it and the files of the UI. {@link WebChannel} creates it through this component's
 * factory once it decides to serve, with its configuration (and the token it generated) as
 * properties, and disposes of it when it stops. The servlets and {@code openpista:web} reference
 * it, so they are registered exactly while it exists.
 *
 * <p>As a {@link SessionListener} it hears of the turns of every channel, and shows those of the
 * other channels to the connections of their session.
 *
 * <p>The services the chat uses when they run (model switching, provider logins, session routing,
 * channel pairing, other bundles' connections, usage, the daemon) are its optional references.
 */
@Component(factory = WebChat.FACTORY, service = {WebChat.class, SessionListener.class})
public final class WebChat implements OptionalServices, SessionListener {

    /** The component factory's name. */
    static final String FACTORY = "org.openpista.channel.web.chat";
    /** Under the openpista home: the {@link ReplyLedger}, which outlives this bundle's updates. */
    static final String LEDGER_DIR = "web-resume";

    private final WebSettings settings;
    private final Authenticator authenticator;
    private final ChatHub hub;
    private final OriginPolicy origins;
    private final StaticFiles files;
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConnectionStatusProvider> connectionStatus = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile UsageSummaries usageSummaries;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DaemonControl daemonControl;

    /** The framework's bundles for the status panel; none until activated in a framework (tests set their own). */
    volatile Supplier<List<DaemonInfo.BundleRow>> bundleRows = List::of;

    @Activate
    public WebChat(@Reference AgentGateway gateway, @Reference ConversationStore store, WebChannel.Config config,
            BundleContext context) {
        this(WebSettings.from(config), gateway, store, Clock.systemUTC(),
                new ReplyLedger(ConfigurationLoader.home(context).resolve(LEDGER_DIR)));
        this.bundleRows = () -> Arrays.stream(context.getBundles()).map(WebChat::row).toList();
    }

    private WebChat(WebSettings settings, AgentGateway gateway, ConversationStore store, Clock clock, ReplyLedger ledger) {
        this(settings, new StaticFiles(settings.staticDir(), path -> WebChat.class.getClassLoader().getResource("web/" + path)),
                gateway, store, clock, ledger);
    }

    /** For tests: the UI's files from a folder, and a clock that the test moves. */
    WebChat(WebSettings settings, StaticFiles files, AgentGateway gateway, ConversationStore store, Clock clock) {
        this(settings, files, gateway, store, clock, new ReplyLedger(null));
    }

    /** For tests: also where the message ids are kept across versions of the channel. */
    WebChat(WebSettings settings, StaticFiles files, AgentGateway gateway, ConversationStore store, Clock clock,
            ReplyLedger ledger) {
        this.settings = settings;
        this.files = files;
        this.authenticator = new Authenticator(settings.token(), clock, new SecureRandom());
        this.origins = new OriginPolicy(settings);
        this.hub = new ChatHub(settings, authenticator, gateway, store, this, clock, ledger);
    }

    WebSettings settings() {
        return settings;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    ChatHub hub() {
        return hub;
    }

    OriginPolicy origins() {
        return origins;
    }

    StaticFiles files() {
        return files;
    }

    /** @return the provider and model the next turn uses, or {@code null} when that is not known */
    ModelChoice currentModel() {
        return hub.currentModel();
    }

    /** A turn of any channel: the connections showing its session see it live (a Telegram message, too). */
    @Override
    public void sessionEvent(SessionEvent event) {
        hub.sessionEvent(event);
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

    @Override
    public List<ConnectionStatusProvider> connectionProviders() {
        return connectionStatus;
    }

    @Override
    public UsageSummaries usage() {
        return usageSummaries;
    }

    @Override
    public DaemonControl daemon() {
        return daemonControl;
    }

    @Override
    public List<DaemonInfo.BundleRow> bundles() {
        return bundleRows.get();
    }

    /** A bundle as {@code openpista:status} lists it. */
    static DaemonInfo.BundleRow row(Bundle bundle) {
        String name = bundle.getSymbolicName() == null ? bundle.getLocation() : bundle.getSymbolicName();
        String state = switch (bundle.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.RESOLVED -> bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null ? "fragment" : "resolved";
            case Bundle.INSTALLED -> "installed (unresolved)";
            default -> "uninstalled";
        };
        return new DaemonInfo.BundleRow(bundle.getBundleId(), name, bundle.getVersion().toString(), state);
    }

    @Deactivate
    void close() {
        hub.close();
    }
}
