package org.openpista.tool.desktop.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A notification service for tests: it owns {@code org.freedesktop.Notifications} on a session bus,
 * as a desktop's notification daemon does, answers {@code GetCapabilities}, {@code Notify} and
 * {@code Introspect} (gdbus asks for it), and keeps every notification it receives.
 */
final class NotificationService implements AutoCloseable {

    /** One received {@code Notify} call's arguments. */
    record Received(String appName, String title, String body, Map<?, ?> hints, int expireTimeout) {}

    private static final String INTROSPECTION = """
            <node><interface name="org.freedesktop.Notifications">
            <method name="GetCapabilities"><arg direction="out" type="as"/></method>
            <method name="Notify"><arg direction="in" type="s"/><arg direction="in" type="u"/>\
            <arg direction="in" type="s"/><arg direction="in" type="s"/><arg direction="in" type="s"/>\
            <arg direction="in" type="as"/><arg direction="in" type="a{sv}"/><arg direction="in" type="i"/>\
            <arg direction="out" type="u"/></method>
            </interface></node>""";

    private final DBusConnection bus;
    private final List<String> capabilities;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger(41);
    private final Thread loop;

    private NotificationService(DBusConnection bus, List<String> capabilities) {
        this.bus = bus;
        this.capabilities = capabilities;
        this.loop = new Thread(this::serve, "notification service");
        this.loop.setDaemon(true);
        this.loop.start();
    }

    /** Connects to the bus's socket file and takes the name. */
    static NotificationService start(Path socket, List<String> capabilities) throws IOException {
        DBusConnection bus = DBusConnection.open(socket, Notifier.uid(), channel -> {});
        Object reply = bus.call(DBusConnection.BUS, DBusConnection.BUS_PATH, DBusConnection.BUS, "RequestName", "su",
                List.of(Notifier.SERVICE, 4)).arguments().get(0);
        if (!Integer.valueOf(1).equals(reply)) {
            throw new IOException("could not own " + Notifier.SERVICE + ": " + reply);
        }
        return new NotificationService(bus, capabilities);
    }

    /** @return the next notification received, waiting up to 30 s */
    Received next() throws InterruptedException {
        Received next = received.poll(30, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no notification arrived within 30 s");
        }
        return next;
    }

    private void serve() {
        try {
            while (true) {
                DBusMessage message = bus.receive();
                if (message.type() != DBusMessage.METHOD_CALL) {
                    continue;
                }
                switch (message.member()) {
                    case "GetCapabilities" -> answer(message, "as", List.of(capabilities));
                    case "Introspect" -> answer(message, "s", List.of(INTROSPECTION));
                    case "Notify" -> {
                        List<Object> arguments = message.arguments();
                        received.add(new Received((String) arguments.get(0), (String) arguments.get(3),
                                (String) arguments.get(4), (Map<?, ?>) arguments.get(6), (Integer) arguments.get(7)));
                        answer(message, "u", List.of(ids.incrementAndGet()));
                    }
                    default -> answer(message, "", List.of());
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private void answer(DBusMessage call, String signature, List<?> values) throws IOException {
        bus.send(DBusMessage.reply(bus.nextSerial(), call, signature, values));
    }

    @Override
    public void close() throws IOException {
        bus.close();
    }
}
