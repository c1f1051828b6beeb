package org.openpista.channel.cli.internal;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
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
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal of a daemon started with {@code openpista start --foreground}: each line typed is a
 * message to the conversation {@value #CONVERSATION} (session {@code cli:local} until {@code /new}
 * starts another), answers are printed on standard output, tool activity and approval questions on
 * standard error, and {@code /quit} stops the daemon. It only reads when the launcher says a
 * terminal is attached ({@link DaemonControl#console()}), so a daemon in the
 * background or under a service manager never touches its standard input. The adapter is
 * registered by hand for the same reason: without a terminal there is no channel to list.
 */
@SettingsSection(value = "channels.cli", pid = CliChannel.PID)
@Component(service = {}, immediate = true, configurationPid = CliChannel.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CliChannel.Config.class)
public class CliChannel implements ChannelAdapter {

    /** The channel's configuration PID ({@code [channels.cli]}). */
    static final String PID = "org.openpista.channel.cli";
    /** The conversation of the terminal. */
    static final String CONVERSATION = "cli:local";

    /** {@code [channels.cli]} */
    @ObjectClassDefinition(name = "Terminal channel", description = "Chat on the terminal of a daemon started with start --foreground.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Read messages from the terminal when the daemon runs in the "
                + "foreground (session cli:local).")
        boolean enabled() default true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CliChannel.class);

    private final AgentGateway gateway;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final ServiceRegistration<ChannelAdapter> registration;
    private final Object approvalLock = new Object();
    private CompletableFuture<ApprovalDecision> pendingApproval;
    private volatile boolean closed;
    private volatile boolean reading;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SessionRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    private final ConsoleCommands commands;

    volatile DaemonControl daemon;

    /**
     * @param daemon present only in the daemon; the channel reads the terminal only when the daemon
     *     runs it and a terminal is attached
     */
    @Activate
    public CliChannel(@Reference AgentGateway gateway, @Reference DaemonControl daemon, BundleContext context, Config config) {
        this(gateway, new FileInputStream(FileDescriptor.in),
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                daemon.console() && daemon.runsChannel("cli", config.enabled()) ? context : null);
        this.daemon = daemon;
    }

    /**
     * @param context the bundle context to register the adapter with and start reading, or {@code
     *     null} to stay idle
     */
    CliChannel(AgentGateway gateway, InputStream in, PrintStream out, PrintStream err, BundleContext context) {
        this.gateway = gateway;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
        this.commands = new ConsoleCommands(CONVERSATION, err, () -> daemon, () -> router, () -> models);
        if (context == null) {
            registration = null;
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ChannelAdapter.CHANNEL, "cli");
        registration = context.registerService(ChannelAdapter.class, this, properties);
        start();
    }

    /** Starts the reader thread; package-private so tests can drive a channel without a framework. */
    void start() {
        reading = true;
        Thread reader = new Thread(this::readLines, "openpista-cli");
        // a read on the terminal cannot be interrupted; a daemon thread never holds up the exit
        reader.setDaemon(true);
        reader.start();
        err.println("openpista: type a message and press Enter; /help lists the commands, /quit stops the daemon");
    }

    @Override
    public String id() {
        return "cli";
    }

    @Override
    public String status() {
        return reading ? "reading the terminal (conversation " + CONVERSATION + ")" : "standard input closed";
    }

    @Override
    public void deliver(String target, String text) {
        out.println("[scheduled] " + TerminalText.safe(text));
        out.println();
    }

    void readLines() {
        try {
            String line;
            while (!closed && (line = in.readLine()) != null) {
                if (answerApproval(line)) {
                    continue;
                }
                handle(line.strip());
            }
        } catch (IOException e) {
            LOG.warn("Reading the terminal failed: {}", e.getMessage());
        } finally {
            reading = false;
            answerApproval(null);
        }
        if (!closed) {
            LOG.info("Standard input closed; the terminal channel stops reading (the daemon keeps running)");
        }
    }

    private void handle(String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("/")) {
            // every line that starts with / is a command, never a message to the model
            if (commands.run(line)) {
                closed = true;
            }
            return;
        }
        submit(line);
    }

    private void submit(String text) {
        try {
            gateway.submit(InboundMessage.text("cli", CONVERSATION, null, text), new TerminalReplies());
        } catch (RuntimeException e) {
            err.println("openpista: the message could not be sent: " + TerminalText.safe(e.getMessage()));
        }
    }

    /** @return whether the line was the answer to a pending approval question */
    private boolean answerApproval(String line) {
        CompletableFuture<ApprovalDecision> pending;
        synchronized (approvalLock) {
            pending = pendingApproval;
            if (pending == null) {
                return false;
            }
            if (line == null) {
                pendingApproval = null;
                pending.complete(ApprovalDecision.REJECT);
                return true;
            }
            ApprovalDecision decision = switch (line.strip().toLowerCase(Locale.ROOT)) {
                case "y", "yes" -> ApprovalDecision.APPROVE;
                case "a", "always" -> ApprovalDecision.ALLOW_FOR_SESSION;
                case "n", "no", "" -> ApprovalDecision.REJECT;
                default -> null;
            };
            if (decision == null) {
                err.print("Please answer y, n or a: ");
                err.flush();
                return true;
            }
            pendingApproval = null;
            pending.complete(decision);
            return true;
        }
    }

    /** Prints one turn's output on the terminal. */
    private final class TerminalReplies implements ReplySink {
        @Override
        public void reply(AgentReply reply) {
            if (reply.error()) {
                err.println("openpista: " + TerminalText.safe(reply.text()));
            } else {
                out.println(TerminalText.safe(reply.text()));
                out.println();
            }
        }

        @Override
        public void progress(ProgressEvent event) {
            switch (event.kind()) {
                case TOOL_STARTED -> err.println("» " + TerminalText.safe(event.toolName() + " " + event.detail()));
                case TOOL_FAILED -> err.println("  ✗ " + TerminalText.safe(event.detail()));
                default -> {}
            }
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            if (!reading) {
                return CompletableFuture.failedFuture(new IllegalStateException("the terminal is closed"));
            }
            CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
            synchronized (approvalLock) {
                if (pendingApproval != null) {
                    return CompletableFuture.failedFuture(new IllegalStateException("another question is open"));
                }
                pendingApproval = answer;
                err.println();
                err.println("The agent wants to run " + TerminalText.safe(request.question()));
                err.print("Allow? [y]es / [n]o / [a]lways in this session: ");
                err.flush();
            }
            return answer;
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with the stopping bundle
            }
        }
        answerApproval(null);
    }
}
