package org.openpista.shell.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.openpista.api.admin.ServedCommand;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.channel.AgentReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the admin socket: a Gogo session for the life of the connection. A reader thread
 * takes command frames off the socket, a worker thread runs them one after the other and streams
 * their output back. When the client goes away the running command is interrupted, so a waiting
 * {@code openpista:send} cancels its turn instead of running for nobody. When the daemon stops, a
 * connection finishes the command it is running (its turn gets the grace period, as every turn
 * does) and takes no further one. A {@link Frames#RUN} frame runs {@code openpista run -e} here
 * ({@link DaemonRuns}) the same way, with the client's approval answers coming in meanwhile; a
 * {@link Frames#CLI} frame runs {@code shell -c} or a bundle's {@link ServedCommand} such as {@code
 * openpista stop} for the launcher ({@link LauncherCommands}).
 */
final class AdminConnection {

    private static final Logger LOG = LoggerFactory.getLogger(AdminConnection.class);
    private static final Frames.Frame END = new Frames.Frame((byte) 0, new byte[0]);

    private final SocketChannel channel;
    private final CommandProcessor processor;
    private final Runnable onClose;
    private final Supplier<DaemonRuns> runs;
    private final Function<String, Optional<ServedCommand>> served;
    private final BlockingQueue<Frames.Frame> commands = new LinkedBlockingQueue<>();
    private final Object writeLock = new Object();
    private final Thread reader;
    private final Thread worker;
    private volatile boolean closed;
    private volatile boolean finishing;
    /** The sink of the run being served, which the client's approval answers go to. */
    private volatile RunSink running;
    /**
     * Guards {@link #telling}: while the worker tells the client to wait for a process and runs what
     * makes it exit, the client's going must not interrupt it (an interrupt that comes as the frame's
     * write ends fails the write, though the client has read it, and the follow-up would never run).
     */
    private final Object interruptLock = new Object();
    // guarded by interruptLock
    private boolean telling;

    /**
     * @param runs serves {@link Frames#RUN}; it may give {@code null}, and then the client is told to run the turn itself
     * @param served the service registered for a launcher command's name, if any
     */
    AdminConnection(SocketChannel channel, CommandProcessor processor, int number, Supplier<DaemonRuns> runs,
            Function<String, Optional<ServedCommand>> served, Runnable onClose) {
        this.channel = channel;
        this.processor = processor;
        this.runs = runs;
        this.served = served;
        this.onClose = onClose;
        this.reader = new Thread(this::readCommands, "openpista-admin-" + number + "-in");
        this.worker = new Thread(this::runCommands, "openpista-admin-" + number);
        reader.setDaemon(true);
        worker.setDaemon(true);
    }

    void start() {
        worker.start();
        reader.start();
    }

    /**
     * Lets the command that runs now finish, for up to the time given, and starts no other; then
     * closes the connection (interrupting the command if it still runs).
     */
    void finish(Duration limit) {
        finishing = true;
        commands.add(END);
        try {
            worker.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes the connection; a running command is interrupted. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing an admin connection failed", e);
        }
        onClose.run();
    }

    private void readCommands() {
        try {
            while (!closed) {
                Frames.Frame frame = Frames.read(channel, Frames.MAX_COMMAND);
                if (frame == null) {
                    break;
                }
                if (frame.type() == Frames.ANSWER) {
                    RunSink sink = running;
                    if (sink != null) {
                        sink.answer(frame.text());
                    }
                    continue;
                }
                if (frame.type() != Frames.COMMAND && frame.type() != Frames.RUN && frame.type() != Frames.CLI) {
                    throw new IOException("unexpected frame type " + (char) frame.type());
                }
                commands.add(frame);
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("Admin connection ended: {}", e.getMessage());
            }
        } finally {
            // the client is gone (or sent garbage): stop what it started
            commands.add(END);
            synchronized (interruptLock) {
                if (!telling) {
                    worker.interrupt();
                }
            }
        }
    }

    private void runCommands() {
        PrintStream out = new PrintStream(new FrameStream(Frames.OUT), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FrameStream(Frames.ERR), true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
        session.put(SessionCommands.ERR, err);
        try {
            while (!closed) {
                Frames.Frame command;
                try {
                    command = commands.take();
                } catch (InterruptedException e) {
                    if (commands.isEmpty()) {
                        break;
                    }
                    continue;
                }
                if (command == END || finishing) {
                    break;
                }
                if (command.type() == Frames.RUN) {
                    serveRun(command.fields());
                    continue;
                }
                String commandLine = command.text();
                if (command.type() == Frames.CLI) {
                    commandLine = serveLauncher(command.fields());
                    if (commandLine == null) {
                        continue;
                    }
                }
                int status = execute(session, commandLine, out, err);
                out.flush();
                err.flush();
                send(Frames.STATUS, Integer.toString(status));
            }
        } catch (IOException e) {
            LOG.debug("Admin client went away: {}", e.getMessage());
        } finally {
            try {
                session.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a Gogo session failed", e);
            }
            close();
        }
    }

    /** Serves one {@code openpista run -e}: fields configuration file, session, prompt. */
    private void serveRun(List<String> fields) throws IOException {
        DaemonRuns daemon = runs.get();
        Optional<String> declined = daemon == null ? Optional.of("the daemon serves no runs")
                : fields.size() != 3 ? Optional.of("the run request has " + fields.size() + " fields, not 3")
                : daemon.declined(fields.get(0));
        if (declined.isPresent()) {
            send(Frames.DECLINE, declined.get());
            return;
        }
        for (String warning : daemon.warnings()) {
            send(Frames.ERR, "openpista: warning: " + warning + "\n");
        }
        RunSink sink = new RunSink((type, payload) -> {
            synchronized (writeLock) {
                Frames.write(channel, type, payload, 0, payload.length);
            }
        });
        running = sink;
        AgentReply reply;
        try {
            reply = daemon.run(fields.get(1), fields.get(2), sink);
        } catch (InterruptedException e) {
            LOG.debug("A run for an admin client was cancelled: the client went away or the daemon stops");
            Thread.currentThread().interrupt();
            return;
        } finally {
            running = null;
            sink.gone();
        }
        byte[] payload = Frames.fields(reply.error() ? "1" : "0", reply.text());
        synchronized (writeLock) {
            Frames.write(channel, Frames.REPLY, payload, 0, payload.length);
        }
    }

    /**
     * Serves one launcher command ({@link LauncherCommands}): fields configuration file, arguments.
     *
     * @return the Gogo command line to run for it, or {@code null} when it was answered here
     */
    private String serveLauncher(List<String> fields) throws IOException {
        DaemonRuns serving = runs.get();
        Optional<String> other = fields.isEmpty() ? Optional.of("no configuration file")
                : serving == null ? Optional.of("the daemon serves no commands") : serving.otherConfiguration(fields.get(0));
        List<String> args = fields.isEmpty() ? List.of() : fields.subList(1, fields.size());
        Optional<String> gogo = other.isPresent() ? Optional.empty() : LauncherCommands.gogo(args);
        ServedCommand.Served answer = other.isPresent() ? new ServedCommand.Declined(other.get())
                : gogo.isPresent() ? null : LauncherCommands.serve(args, served);
        if (answer instanceof ServedCommand.Declined declined) {
            send(Frames.DECLINE, declined.why());
            return null;
        }
        // the warnings the command would print when it loads the configuration itself
        for (String warning : serving.warnings()) {
            send(Frames.ERR, "openpista: warning: " + warning + "\n");
        }
        if (gogo.isPresent()) {
            return gogo.get();
        }
        if (answer instanceof ServedCommand.Done done) {
            if (!done.out().isEmpty()) {
                send(Frames.OUT, done.out());
            }
            if (!done.err().isEmpty()) {
                send(Frames.ERR, done.err());
            }
            send(Frames.STATUS, Integer.toString(done.status()));
            return null;
        }
        ServedCommand.AwaitExit await = (ServedCommand.AwaitExit) answer;
        if (!await.err().isEmpty()) {
            send(Frames.ERR, await.err());
        }
        byte[] payload = Frames.fields(Long.toString(await.pid()), Integer.toString(await.seconds()), await.exited(), await.late());
        synchronized (interruptLock) {
            // a client gone before this point interrupted the worker already: the write below fails, nothing follows
            telling = true;
        }
        try {
            synchronized (writeLock) {
                Frames.write(channel, Frames.AWAIT_EXIT, payload);
            }
            await.then().run();
        } finally {
            synchronized (interruptLock) {
                telling = false;
            }
        }
        return null;
    }

    private static int execute(CommandSession session, String command, PrintStream out, PrintStream err) {
        if (command.isBlank()) {
            return 0;
        }
        try {
            Object result = session.execute(command);
            if (result != null) {
                CharSequence text = session.format(result, Converter.INSPECT);
                String shown = text == null ? String.valueOf(result) : text.toString();
                out.print(shown.endsWith("\n") ? shown : shown + "\n");
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return 130;
        } catch (Exception e) {
            LOG.debug("Admin command failed: {}", command, e);
            // arguments that fit none of the command's methods: how it is called, not Gogo's coercion message
            err.println(CommandUsage.explain(session, command, e).orElseGet(() -> message(e)));
            return 1;
        } catch (LinkageError e) {
            LOG.debug("Admin command failed: {}", command, e);
            err.println(message(e));
            return 1;
        }
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private void send(byte type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            Frames.write(channel, type, bytes, 0, bytes.length);
        }
    }

    /** Buffers a command's output and sends it as frames of one type when flushed or full. */
    private final class FrameStream extends OutputStream {
        private final byte type;
        private final byte[] buffer = new byte[8192];
        private int count;

        FrameStream(byte type) {
            this.type = type;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (count == buffer.length) {
                flush();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (count == buffer.length) {
                    flush();
                }
                int chunk = Math.min(length, buffer.length - count);
                System.arraycopy(bytes, offset, buffer, count, chunk);
                count += chunk;
                offset += chunk;
                length -= chunk;
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (count == 0 || closed) {
                count = 0;
                return;
            }
            synchronized (writeLock) {
                Frames.write(channel, type, buffer, 0, count);
            }
            count = 0;
        }
    }
}
