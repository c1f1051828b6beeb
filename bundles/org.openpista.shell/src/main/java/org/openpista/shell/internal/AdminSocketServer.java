package org.openpista.shell.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandProcessor;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.ServedCommand;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Gogo over the Unix domain socket {@code $OPENPISTA_HOME/admin.sock}, for {@code openpista
 * shell}. Nothing listens on TCP. The socket file is created in a private folder, given mode 600
 * there and only then moved into place, so at no moment can another user connect. A socket file
 * left by a crashed daemon is replaced; one that still answers belongs to a live daemon, and then
 * this component refuses to start. When the daemon stops, commands that run (an {@code
 * openpista:send} waiting for its turn) get the agent's shutdown grace period ({@code [agent]
 * shutdown_grace_secs}) to finish before their connections close.
 */
@Component(service = AdminSocketServer.class, immediate = true, configurationPid = "org.openpista.shell",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AdminSocketServer.Config.class)
public class AdminSocketServer {

    /** The admin socket's settings. */
    @ObjectClassDefinition(name = "openpista admin socket", description = "Gogo over a Unix domain socket.")
    public @interface Config {
        @AttributeDefinition(name = "Socket", description = "The socket file; empty for $OPENPISTA_HOME/admin.sock.")
        String socket() default "";

        @AttributeDefinition(name = "Connections", description = "How many clients may be connected at once.")
        int max_connections() default 16;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdminSocketServer.class);

    /** The agent's configuration PID, whose {@code shutdown.grace.secs} running commands get when the daemon stops. */
    private static final String AGENT_PID = "org.openpista.agent";
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final Path socket;
    private final Supplier<Duration> grace;
    private final ServerSocketChannel server;
    private final CommandProcessor processor;
    private final int maxConnections;
    private final Set<AdminConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /** The launcher commands bundles serve in the daemon, each with its service properties, lowest ranking first. */
    @Reference(service = ServedCommand.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            fieldOption = FieldOption.REPLACE)
    volatile List<Map.Entry<Map<String, Object>, ServedCommand>> served = List.of();

    /** Serves {@code openpista run -e} for the launcher; without it the launcher runs turns itself. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DaemonRuns runs;

    /**
     * @param daemon present only in the daemon: the socket is the daemon's, a command's framework
     *     has none
     */
    @Activate
    public AdminSocketServer(@Reference CommandProcessor processor, @Reference DaemonControl daemon, BundleContext context,
            Config config, @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin admin) throws IOException {
        this(processor, socketOf(context, config), config.max_connections(), () -> grace(admin));
    }

    AdminSocketServer(CommandProcessor processor, Path socket, int maxConnections) throws IOException {
        this(processor, socket, maxConnections, () -> DEFAULT_GRACE);
    }

    /** @param grace how long running commands may take to finish when the server stops */
    AdminSocketServer(CommandProcessor processor, Path socket, int maxConnections, Supplier<Duration> grace)
            throws IOException {
        this.processor = processor;
        this.socket = socket;
        this.grace = grace;
        this.maxConnections = Math.max(1, maxConnections);
        this.server = bind(socket);
        this.acceptor = new Thread(this::accept, "openpista-admin-socket");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Admin shell listening on {}", socket);
    }

    /** @return the socket file */
    Path socket() {
        return socket;
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("another openpista daemon already serves " + socket);
            }
            Files.delete(socket);
        }
        Path privateDir = Files.createTempDirectory(socket.getParent(), ".admin-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = privateDir.resolve("s");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, socket, StandardCopyOption.ATOMIC_MOVE);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot serve the admin shell on " + socket + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temporary);
            Files.deleteIfExists(privateDir);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("The admin socket failed to accept a client: {}", e.getMessage());
                continue;
            }
            if (connections.size() >= maxConnections) {
                refuse(client);
                continue;
            }
            AdminConnection[] holder = new AdminConnection[1];
            AdminConnection connection = new AdminConnection(client, processor, numbers.incrementAndGet(),
                    () -> runs, this::served, () -> connections.remove(holder[0]));
            holder[0] = connection;
            connections.add(connection);
            connection.start();
        }
    }

    /** @return the service for a launcher command, of the highest ranking when several serve it */
    private Optional<ServedCommand> served(String name) {
        ServedCommand found = null;
        for (Map.Entry<Map<String, Object>, ServedCommand> entry : served) {
            if (name.equals(String.valueOf(entry.getKey().get(ServedCommand.NAME)))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    private void refuse(SocketChannel client) {
        try (client) {
            Frames.write(client, Frames.ERR, "too many admin connections (at most " + maxConnections + ")\n");
            Frames.write(client, Frames.STATUS, "1");
        } catch (IOException e) {
            LOG.debug("Could not tell a refused admin client why", e);
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the admin socket failed", e);
        }
        // running commands finish within the grace period, in parallel; idle connections close at once
        Duration limit = grace.get();
        List<Thread> finishing = new ArrayList<>();
        for (AdminConnection connection : connections) {
            Thread thread = new Thread(() -> connection.finish(limit), "openpista-admin-finish");
            thread.start();
            finishing.add(thread);
        }
        for (Thread thread : finishing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", socket, e.getMessage());
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return {@code [agent] shutdown_grace_secs}, as the agent's configuration holds it */
    private static Duration grace(ConfigurationAdmin admin) {
        if (admin == null) {
            return DEFAULT_GRACE;
        }
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + AGENT_PID + ")");
            Object seconds = found == null || found[0].getProperties() == null ? null
                    : found[0].getProperties().get("shutdown.grace.secs");
            return seconds == null ? DEFAULT_GRACE : Duration.ofSeconds(Math.max(0, Long.parseLong(seconds.toString().strip())));
        } catch (IOException | InvalidSyntaxException | NumberFormatException e) {
            return DEFAULT_GRACE;
        }
    }

    private static Path socketOf(BundleContext context, Config config) {
        if (!config.socket().isBlank()) {
            return Path.of(config.socket());
        }
        return ConfigurationLoader.home(context).resolve("admin.sock");
    }
}
