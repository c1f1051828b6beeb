package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.chat.Attachment;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;
import org.openpista.api.pairing.QrCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WhatsApp through the bridge (a personal account as a linked device): supervises the bridge
 * process, turns its events into agent turns and pairing states, and sends answers as {@code send}
 * commands. A bridge that announces confirmations ({@code "confirms": true} on {@code connected},
 * as the bundled one does) answers each of them with {@code sent} or {@code error}, and a send waits
 * for that; a bridge speaking the original protocol does not, so a send there is done once the
 * bridge has the command.
 */
final class BridgeChannel implements ChannelAdapter, ChannelPairing, BridgeSupervisor.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeChannel.class);
    /** How long a sent message may wait for the bridge's acknowledgement. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final BridgeSupervisor supervisor;
    private final Conversations conversations;
    private final Clock clock;
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong refs = new AtomicLong();
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final Path sessionDir;
    /** Ids of the messages this side sent: one coming back is never taken as the user's (an answer to a question). */
    private final SeenMessages ownMessages = new SeenMessages(1000);
    private volatile PairingState state;
    private volatile boolean confirms;
    private volatile boolean media;

    /**
     * @param gateway the agent; {@code null} for a command's own connection where none runs
     * @param command the bridge's command line
     * @param installer installs the bridge's dependencies on first use
     * @param restartDelay the first wait before restarting a dead bridge
     * @param sessionDir the bridge's session folder, where it puts the media it downloaded
     */
    BridgeChannel(AgentGateway gateway, Allowlist allowlist, List<String> command, BridgeInstaller installer,
            Duration restartDelay, Clock clock, Path sessionDir) {
        this.clock = clock;
        this.sessionDir = sessionDir;
        this.conversations = new Conversations(gateway, allowlist, new Sender());
        this.supervisor = new BridgeSupervisor(command, installer, this, restartDelay);
        this.state = next(Phase.STARTING, null, "", "starting the bridge");
    }

    /** The channel for these settings: the configured bridge, its dependencies checked or installed on start. */
    static BridgeChannel of(AgentGateway gateway, WhatsAppSettings settings, Duration restartDelay) {
        return new BridgeChannel(gateway, settings.allowed(), BridgeSupervisor.commandFor(settings.bridgePath(),
                settings.sessionDir()), BridgeInstaller.forBridge(settings.bridgePath(), settings.bridgeShipped()),
                restartDelay, Clock.systemUTC(), settings.sessionDir());
    }

    void start() {
        WhatsAppMedia.clearInbox(sessionDir);
        supervisor.start();
    }

    @Override
    public String id() {
        return Conversations.CHANNEL;
    }

    @Override
    public String status() {
        PairingState current = state;
        return switch (current.phase()) {
            case STARTING -> "starting the bridge";
            case WAITING_FOR_SCAN -> "waiting for the QR code to be scanned (openpista whatsapp)";
            case CONNECTED -> "connected as +" + current.account()
                    + (current.detail().isEmpty() ? "" : " (" + current.detail() + ")");
            case DISCONNECTED -> "disconnected: " + current.detail();
            case FAILED -> "failed: " + current.detail();
            case STOPPED -> "stopped";
        };
    }

    @Override
    public PairingState state() {
        return state;
    }

    @Override
    public void deliver(String target, String text) throws Exception {
        send(target, text);
    }

    /**
     * Sends a message, in as many parts as it takes.
     *
     * @return whether the bridge confirmed it, or only took it (a bridge of the original protocol)
     * @throws IOException when the bridge reported a failure, stopped, or did not confirm in time
     */
    Delivery send(String target, String text) throws Exception {
        String number = Allowlist.digits(target);
        if (number.isEmpty()) {
            throw new IllegalArgumentException("\"" + target + "\" is not a phone number");
        }
        if (state.phase() != Phase.CONNECTED) {
            throw new IllegalStateException("WhatsApp is not connected (" + status() + ")");
        }
        boolean confirmed = confirms;
        try {
            conversations.sendAll(number, text).toCompletableFuture().get(SEND_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(Conversations.message(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WhatsApp did not confirm the message within " + SEND_TIMEOUT.toSeconds() * 2 + " s");
        }
        return confirmed ? Delivery.CONFIRMED : Delivery.UNCONFIRMED;
    }

    /** Sends through the bridge: texts, images where it takes them, and approval questions as numbered lists. */
    private final class Sender implements Conversations.Sender {
        @Override
        public CompletionStage<Void> send(String to, String text) {
            return command(ref -> supervisor.lines().send(to, text, ref)).thenApply(id -> null);
        }

        @Override
        public CompletionStage<Boolean> sendImage(String to, Attachment image) {
            if (!media) {
                return CompletableFuture.completedFuture(false);
            }
            return command(ref -> supervisor.lines().sendImage(to, image.mimeType(), image.data(), "", ref))
                    .thenApply(id -> true);
        }

        @Override
        public CompletionStage<String> ask(String to, WhatsAppApprovals.Question question) {
            String text = question.text(2000) + "\n\nReply 1 to allow, 2 to deny, 3 to allow " + question.request().call().name()
                    + " for the rest of this chat.";
            return command(ref -> supervisor.lines().send(to, text, ref));
        }
    }

    /**
     * Sends one command through the bridge; completes with the id of the sent message when the
     * bridge reports it sent, or at once (with an empty id) when the bridge does not confirm sends.
     */
    private CompletionStage<String> command(java.util.function.Function<String, String> line) {
        if (!confirms) {
            try {
                supervisor.send(line.apply(null));
                return CompletableFuture.completedFuture("");
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        String ref = "r" + refs.incrementAndGet();
        CompletableFuture<String> acknowledged = new CompletableFuture<>();
        pending.put(ref, acknowledged);
        acknowledged.whenComplete((done, failure) -> pending.remove(ref));
        try {
            supervisor.send(line.apply(ref));
        } catch (IOException e) {
            acknowledged.completeExceptionally(e);
            return acknowledged;
        }
        // a timeout says so in words: TimeoutException has no message of its own
        return acknowledged.orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(failure ->
                CompletableFuture.failedFuture(failure instanceof TimeoutException
                        ? new IOException("the WhatsApp bridge did not confirm the message within " + SEND_TIMEOUT.toSeconds()
                                + " s") : failure));
    }

    /** A message event: an answer to an approval question, or a message (with media) for the agent. */
    private void received(BridgeEvent.Message message) {
        String number = Allowlist.digits(message.from());
        BridgeEvent.Media attached = message.media();
        if (!message.id().isEmpty() && ownMessages.contains(message.id())) {
            LOG.debug("WhatsApp: ignored a message the channel sent itself, echoed back");
            return;
        }
        if (!conversations.allows(number, message.selfChat())) {
            if (attached != null) {
                WhatsAppMedia.discardBridgeFile(sessionDir, attached.file());
            }
            return;
        }
        if (attached == null) {
            if (conversations.answered(conversations.approvals().numbered(number, message.text(), message.quoted()),
                    message.from())) {
                return;
            }
            conversations.received(number, message.from(), message.text(), message.selfChat(), message.id());
            return;
        }
        if (!attached.error().isEmpty() || !WhatsAppMedia.taken(attached.kind())) {
            WhatsAppMedia.discardBridgeFile(sessionDir, attached.file());
            conversations.tell(message.from(), !attached.error().isEmpty() ? Conversations.ERROR_MARK + attached.error()
                    : WhatsAppMedia.UNREADABLE);
            return;
        }
        byte[] data;
        try {
            data = WhatsAppMedia.takeBridgeFile(sessionDir, attached.file());
        } catch (IOException e) {
            LOG.info("WhatsApp: a file from {} was not taken: {}", Allowlist.mask(number), e.getMessage());
            conversations.tell(message.from(), Conversations.ERROR_MARK + e.getMessage());
            return;
        }
        String name = attached.fileName().isEmpty() ? WhatsAppMedia.defaultName(attached.kind(), attached.mimeType())
                : attached.fileName();
        String type = attached.mimeType().isEmpty() ? "application/octet-stream" : attached.mimeType();
        conversations.received(number, message.from(), message.text(), message.selfChat(), message.id(),
                List.of(new Attachment(type, name, data)));
    }

    @Override
    public void starting() {
        if (state.phase() != Phase.STARTING) {
            state = next(Phase.STARTING, null, "", "starting the bridge");
        }
    }

    @Override
    public void event(BridgeEvent event) {
        if (event instanceof BridgeEvent.Qr qr) {
            QrCode code = QrEncoder.encode(qr.data());
            boolean first = state.phase() != Phase.WAITING_FOR_SCAN;
            state = next(Phase.WAITING_FOR_SCAN, code, "", "");
            if (first) {
                LOG.info("WhatsApp: waiting for the QR code to be scanned; run 'openpista whatsapp' to see it");
            }
        } else if (event instanceof BridgeEvent.Connected connected) {
            confirms = connected.confirms();
            media = connected.confirms() && connected.media();
            state = next(Phase.CONNECTED, null, Allowlist.digits(connected.phone()), connected.name());
            LOG.info("WhatsApp: connected as {}{}", Allowlist.mask(connected.phone()),
                    connected.confirms() ? "" : " (the bridge does not confirm sent messages)");
        } else if (event instanceof BridgeEvent.Disconnected disconnected) {
            String reason = disconnected.reason().isEmpty() ? "connection closed" : disconnected.reason();
            state = next(Phase.DISCONNECTED, null, "", reason.equals("logged out")
                    ? "logged out on the phone; a new QR code follows" : reason + "; reconnecting");
            LOG.info("WhatsApp: disconnected ({})", reason);
        } else if (event instanceof BridgeEvent.Message message) {
            received(message);
        } else if (event instanceof BridgeEvent.Sent sent) {
            if (!sent.id().isEmpty()) {
                ownMessages.firstTime(sent.id());
            }
            complete(sent.ref(), sent.id(), null);
        } else if (event instanceof BridgeEvent.Error error) {
            if (error.ref() == null || !complete(error.ref(), null, new IOException(error.message()))) {
                LOG.warn("WhatsApp bridge: {}", error.message());
            }
        } else if (event instanceof BridgeEvent.Unknown unknown) {
            LOG.debug("WhatsApp bridge: ignored an event of type {}", unknown.type());
        }
    }

    @Override
    public void down(String detail, boolean failed) {
        state = next(failed ? Phase.FAILED : Phase.DISCONNECTED, null, "", detail);
        IOException gone = new IOException("the WhatsApp bridge stopped before confirming the message");
        pending.values().forEach(future -> future.completeExceptionally(gone));
    }

    private boolean complete(String ref, String id, Exception failure) {
        CompletableFuture<String> future = ref == null ? null : pending.get(ref);
        if (future == null) {
            return false;
        }
        if (failure == null) {
            future.complete(id == null ? "" : id);
        } else {
            future.completeExceptionally(failure);
        }
        return true;
    }

    private PairingState next(Phase phase, QrCode qr, String account, String detail) {
        return new PairingState(Conversations.CHANNEL, phase, qr, account, detail, clock.instant(),
                versions.incrementAndGet());
    }

    @Override
    public void close() {
        conversations.approvals().cancelAll();
        supervisor.close();
        state = next(Phase.STOPPED, null, "", "");
        IOException stopped = new IOException("the WhatsApp channel stopped");
        pending.values().forEach(future -> future.completeExceptionally(stopped));
    }
}
