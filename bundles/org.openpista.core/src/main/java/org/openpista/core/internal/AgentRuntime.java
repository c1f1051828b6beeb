package org.openpista.core.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.openpista.api.admin.AgentStatus;
import org.openpista.api.admin.SessionActivity;
import org.openpista.api.agent.PromptContributor;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.DocumentReader;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.feed.SessionListener;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.SpeechToText;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.TurnQueue;
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The agent as channels see it (the channel router): maps each conversation to its current
 * session and hands its messages to the session lanes, which store each message before {@link
 * #submit} returns and run a session's turns one at a time, in order, also across processes
 * sharing the store ({@link SessionLanes}); different sessions run in parallel. What a process
 * that died left unanswered is answered by the next one that runs its channel ({@link Recovery}).
 * Every turn is told, whichever channel it came from, to the session listeners that show sessions
 * live ({@link SessionFeed}).
 * Providers and prompt contributors are tracked dynamically, so one that appears or leaves is seen
 * by the next request; a provider that leaves in the middle of a turn is waited for briefly (a
 * bundle update re-registers it) before the turn gives up with a clear message. On shutdown it
 * stops accepting, lets running turns finish within a grace period, then cancels them.
 */
@SettingsSection(value = "agent", pid = AgentConfig.PID, formats = "base_url=url",
        env = {"model=OPENPISTA_MODEL"},
        keys = {"provider", "model", "base_url", "api_key", "max_tool_rounds", "approval", "system_prompt", "timeout_secs",
            "shutdown_grace_secs", "provider_wait_secs", "max_attachment_mb"})
@SettingsSection(value = "skills", pid = AgentConfig.PID, keys = "workspace", formats = "workspace=path",
        env = "workspace=OPENPISTA_WORKSPACE")
@Component(service = {AgentGateway.class, SessionRouter.class, AgentStatus.class},
        configurationPid = AgentConfig.PID, immediate = true)
public class AgentRuntime implements AgentGateway, SessionRouter, AgentStatus {

    /** Conversation key to its current session, for conversations that left their default one. */
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final Instant startedAt = Instant.now();
    private final SessionLanes lanes;
    private final TrackedProviders lookup = new TrackedProviders(() -> this.providers);
    private final Recovery recovery;
    private final Path home;
    private volatile AgentSettings settings;
    private volatile Duration shutdownGrace;
    private volatile long maxAttachmentBytes;

    // the field is the list; the methods are told about arrivals and departures (Felix SCR calls the
    // unbind method of a field reference only when a bind method is named as well)
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            bind = "providerArrived", unbind = "providerLeft")
    volatile List<LlmProvider> providers = List.of();

    /** Got at the first prompt (see {@link PromptContributors}), so an idle daemon does not activate them. */
    @Reference(service = PromptContributor.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ComponentServiceObjects<PromptContributor>> contributors = List.of();

    /** The providers' speech-to-text with their service properties, for voice notes. */
    @Reference(service = SpeechToText.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<Map.Entry<Map<String, Object>, SpeechToText>> speech = List.of();

    /** Readers of documents (PDFs) by their media types. */
    @Reference(service = DocumentReader.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<Map.Entry<Map<String, Object>, DocumentReader>> documentReaders = List.of();

    /** Metrics, traces, logs and usage accounting; a turn starting with none costs nothing more. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<TurnObserver> observers = List.of();

    /** Who shows sessions live (the web chat, for a message that came from Telegram); none: no extra work. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<SessionListener> sessionListeners = List.of();

    /** The channels running in this process, which can deliver the answers of adopted messages. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            bind = "channelArrived", unbind = "channelLeft")
    volatile List<ChannelAdapter> channels = List.of();

    @Activate
    public AgentRuntime(
            @Reference ConversationStore store,
            @Reference TurnQueue queue,
            @Reference ToolInvoker tools,
            @Reference ApprovalService approval,
            BundleContext context,
            AgentConfig config) {
        this(store, queue, tools, approval, ConfigurationLoader.home(context), config);
    }

    AgentRuntime(ConversationStore store, TurnQueue queue, ToolInvoker tools, ApprovalService approval, Path home,
            AgentConfig config) {
        this.home = home;
        configure(config);
        PromptContributors prompt = new PromptContributors(() -> contributors);
        AgentLoop loop = new AgentLoop(store, tools, approval, lookup, prompt::sections, () -> observers);
        SessionFeed feed = new SessionFeed(() -> sessionListeners);
        this.lanes = new SessionLanes(queue, feed.around(turn -> loop.run(turn, settings)));
        this.recovery = new Recovery(queue, lanes, () -> channels);
    }

    @Modified
    void configure(AgentConfig config) {
        settings = new AgentSettings(
                config.provider().trim(),
                config.model().trim(),
                Math.max(1, config.max_tool_rounds()),
                config.system_prompt(),
                ConfigurationLoader.resolve(home, config.workspace().isBlank() ? "workspace" : config.workspace()),
                Duration.ofSeconds(Math.max(1, config.timeout_secs())),
                Duration.ofSeconds(Math.max(0, config.provider_wait_secs())));
        shutdownGrace = Duration.ofSeconds(Math.max(0, config.shutdown_grace_secs()));
        maxAttachmentBytes = Math.max(1, config.max_attachment_mb()) * 1024L * 1024L;
    }

    /** @return the settings turns start with now */
    AgentSettings settings() {
        return settings;
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        String sessionId = message.sessionId() == null || message.sessionId().isBlank()
                ? currentSession(message.conversationKey())
                : message.sessionId();
        // refused attachments end here, before anything is stored; the channel shows the message to the sender
        InboundMessage checked = Documents.read(InboundMedia.checked(message, maxAttachmentBytes), this::readerOf);
        // voice notes are heard before the message is stored, so the transcript stays in the history
        String provider = settings.provider();
        VoiceNotes.Heard heard = VoiceNotes.hear(checked, speechOf(provider), provider);
        return lanes.submit(sessionId, heard.message(), heard.sink(sink));
    }

    /** @return a reader registered for the media type, or {@code null} */
    private DocumentReader readerOf(String type) {
        for (Map.Entry<Map<String, Object>, DocumentReader> entry : documentReaders) {
            Object types = entry.getKey().get(DocumentReader.TYPES);
            List<?> listed = types instanceof String[] array ? List.of(array)
                    : types instanceof java.util.Collection<?> collection ? List.copyOf(collection) : List.of(String.valueOf(types));
            if (listed.contains(type)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** @return the speech-to-text registered with the provider's name, or {@code null} */
    private SpeechToText speechOf(String provider) {
        for (Map.Entry<Map<String, Object>, SpeechToText> entry : speech) {
            if (provider.equals(entry.getKey().get(LlmProvider.NAME))) {
                return entry.getValue();
            }
        }
        return null;
    }

    @Override
    public int cancel(String sessionId) {
        return lanes.cancel(sessionId);
    }

    /** DS calls this (besides updating the field) when a provider service is registered. */
    void providerArrived(LlmProvider provider) {
        lookup.arrived(provider);
    }

    /** DS calls this (besides updating the field) when a provider service is unregistered. */
    void providerLeft(LlmProvider provider) {
        lookup.left(provider);
    }

    /** DS calls this (besides updating the field) when a channel is registered. */
    void channelArrived(ChannelAdapter channel) {
        recovery.channelArrived();
    }

    /** DS calls this (besides updating the field) when a channel is unregistered. */
    void channelLeft(ChannelAdapter channel) {
        // nothing to do: answers look their channel up when they are ready
    }

    @Override
    public String currentSession(String conversationKey) {
        return routes.getOrDefault(conversationKey, conversationKey);
    }

    @Override
    public String newSession(String conversationKey) {
        String id = conversationKey + ":" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        routes.put(conversationKey, id);
        return id;
    }

    @Override
    public void switchSession(String conversationKey, String sessionId) {
        if (sessionId == null || sessionId.isBlank() || sessionId.equals(conversationKey)) {
            routes.remove(conversationKey);
        } else {
            routes.put(conversationKey, sessionId.strip());
        }
    }

    @Override
    public String provider() {
        return settings.provider();
    }

    @Override
    public String model() {
        return settings.model();
    }

    @Override
    public List<SessionActivity> activity() {
        return lanes.activity();
    }

    @Override
    public long turnsFinished() {
        return lanes.finished();
    }

    @Override
    public long turnsFailed() {
        return lanes.failed();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Deactivate
    void deactivate() {
        recovery.close();
        lanes.close(shutdownGrace);
    }
}
