package org.openpista.tool.desktop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.Required;

/**
 * {@code system.notify} against a real session bus ({@code dbus-daemon}) on which the test owns
 * {@code org.freedesktop.Notifications}, as a notification daemon does; {@code dbus-monitor} watches
 * the bus independently of the bundle's own D-Bus code.
 */
class NotifyToolTest {

    @TempDir
    Path folder;

    static ToolResult call(NotifyTool tool, String arguments) {
        return tool.execute(new ToolCall("c1", NotifyTool.TOOL_NAME, arguments),
                new ToolContext("s1", "cli", Path.of("/tmp"), Instant.now().plusSeconds(60), Cancellation.none()));
    }

    static Map<String, String> environment(String busAddress) {
        return Map.of("DBUS_SESSION_BUS_ADDRESS", busAddress, "PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
    }

    @Test
    void theExactTitleAndBodyArriveAtTheNotificationService() throws Exception {
        try (SessionBus bus = SessionBus.start(folder, false);
                NotificationService service = NotificationService.start(folder.resolve("bus"), List.of("body"));
                Monitor monitor = Monitor.start(bus.address())) {
            NotifyTool tool = new NotifyTool(Configs.defaults(), environment(bus.address()), "Linux");

            ToolResult result = call(tool, "{\"title\": \"Build finished\", \"body\": \"All 312 tests passed <ok> & done"
                    + " — ünïcode ✓\", \"urgency\": \"critical\"}");

            assertThat(result.error()).as(result.content()).isFalse();
            assertThat(result.content()).isEqualTo("The notification 42 shown (D-Bus, org.freedesktop.Notifications):"
                    + " \"Build finished\".");
            NotificationService.Received received = service.next();
            assertThat(received.appName()).isEqualTo("openpista");
            assertThat(received.title()).isEqualTo("Build finished");
            assertThat(received.body()).as("a service without body-markup gets the text as written")
                    .isEqualTo("All 312 tests passed <ok> & done — ünïcode ✓");
            assertThat(received.hints()).isEqualTo(Map.of("urgency", new Variant("y", (byte) 2)));
            assertThat(received.expireTimeout()).isEqualTo(-1);
            // what went over the bus, as dbus-monitor decodes it
            String seen = monitor.await("All 312 tests passed <ok> & done — ünïcode ✓");
            assertThat(seen).contains("member=Notify").contains("string \"Build finished\"")
                    .contains("string \"openpista\"");
        }
    }

    @Test
    void aServiceThatReadsMarkupGetsTheBodyEscaped() throws Exception {
        try (SessionBus bus = SessionBus.start(folder, false);
                NotificationService service = NotificationService.start(folder.resolve("bus"),
                        List.of("body", "body-markup"))) {
            NotifyTool tool = new NotifyTool(Configs.desktop(Map.of("app_name", "pista", "notify_timeout_ms", 5000)),
                    environment(bus.address()), "Linux");

            ToolResult result = call(tool, "{\"title\": \"a < b\", \"body\": \"<b>x</b> & y\"}");

            assertThat(result.error()).as(result.content()).isFalse();
            NotificationService.Received received = service.next();
            assertThat(received.title()).isEqualTo("a < b");
            assertThat(received.body()).isEqualTo("&lt;b&gt;x&lt;/b&gt; &amp; y");
            assertThat(received.appName()).isEqualTo("pista");
            assertThat(received.expireTimeout()).isEqualTo(5000);
            assertThat(received.hints()).isEmpty();
        }
    }

    @Test
    void aBusOnAnAbstractSocketIsReachedThroughGdbus() throws Exception {
        Required.program("gdbus", "libglib2.0-bin");
        try (SessionBus bus = SessionBus.start(folder, true);
                NotificationService service = NotificationService.start(folder.resolve("bus"), List.of("body"))) {
            assertThat(bus.abstractAddress()).startsWith("unix:abstract=");
            // notify-send is not installed on the test machines: gdbus is the way left
            NotifyTool tool = new NotifyTool(Configs.defaults(), Map.of("DBUS_SESSION_BUS_ADDRESS",
                    bus.abstractAddress(), "PATH", "/usr/bin:/bin"), "Linux");

            ToolResult result = call(tool, "{\"title\": \"Quote \\\" and \\\\ back\", \"body\": \"two\\nlines\","
                    + " \"urgency\": \"low\"}");

            assertThat(result.error()).as(result.content()).isFalse();
            assertThat(result.content()).isIn("The notification shown (gdbus): \"Quote \" and \\ back\".",
                    "The notification shown (notify-send): \"Quote \" and \\ back\".");
            NotificationService.Received received = service.next();
            assertThat(received.title()).isEqualTo("Quote \" and \\ back");
            assertThat(received.body()).isEqualTo("two\nlines");
        }
    }

    @Test
    void withoutANotificationServiceTheErrorSaysWhatIsMissing() throws Exception {
        try (SessionBus bus = SessionBus.start(folder, false)) {
            NotifyTool tool = new NotifyTool(Configs.defaults(), environment(bus.address()), "Linux");

            ToolResult result = call(tool, "{\"title\": \"hello\"}");

            assertThat(result.error()).isTrue();
            assertThat(result.content()).isEqualTo("system.notify: " + Notifier.NO_SERVICE);
        }
    }

    @Test
    void withoutASessionBusTheErrorSaysWhatToConfigure() {
        NotifyTool tool = new NotifyTool(Configs.defaults(), Map.of("PATH", "/usr/bin", "XDG_RUNTIME_DIR",
                folder.toString()), "Linux");
        Notifier notifier = new Notifier(DesktopSettings.of(Configs.defaults()), Map.of("XDG_RUNTIME_DIR",
                folder.toString()), "Linux");

        ToolResult result = call(tool, "{\"title\": \"hello\"}");

        if (notifier.busAddress() == null) {
            assertThat(result.error()).isTrue();
            assertThat(result.content()).isEqualTo("system.notify: " + Notifier.NO_BUS);
        } else {
            // this machine has a bus at /run/user/<uid>/bus: the tool used it
            assertThat(notifier.busAddress()).startsWith("unix:path=/run/user/");
        }
    }

    @Test
    void aConfiguredBusAddressWinsOverTheEnvironment() throws Exception {
        try (SessionBus bus = SessionBus.start(folder, false);
                NotificationService service = NotificationService.start(folder.resolve("bus"), List.of())) {
            NotifyTool tool = new NotifyTool(Configs.desktop(Map.of("bus_address", bus.pathAddress())),
                    environment("unix:path=/nonexistent/bus"), "Linux");

            assertThat(call(tool, "{\"title\": \"configured\"}").error()).isFalse();
            assertThat(service.next().title()).isEqualTo("configured");
        }
    }

    @Test
    void aBusThatIsGoneIsReported() {
        NotifyTool tool = new NotifyTool(Configs.defaults(), environment("unix:path=" + folder.resolve("none")),
                "Linux");

        ToolResult result = call(tool, "{\"title\": \"hello\"}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("system.notify: cannot reach the session bus at unix:path="
                + folder.resolve("none") + ": the bus socket " + folder.resolve("none") + " does not exist");
    }

    @Test
    void badArgumentsAreNamed() {
        NotifyTool tool = new NotifyTool(Configs.defaults(), Map.of(), "Linux");

        assertThat(call(tool, "{}").content()).isEqualTo("invalid arguments: \"title\" is required");
        assertThat(call(tool, "{\"title\": 5}").content()).isEqualTo("invalid arguments: \"title\" must be a string");
        assertThat(call(tool, "{\"title\": \"t\", \"urgency\": \"high\"}").content())
                .isEqualTo("invalid arguments: \"urgency\" must be one of low, normal, critical, not \"high\"");
        assertThat(call(tool, "{\"title\": \"" + "x".repeat(201) + "\"}").content())
                .isEqualTo("invalid arguments: \"title\" is 201 characters long; at most 200 are taken");
    }

    @Test
    void theCommandLinesOfTheOtherWaysPassTheTextAsArguments() {
        DesktopSettings settings = DesktopSettings.of(Configs.desktop(Map.of("notify_timeout_ms", 3000)));
        Notifier.Notification notification = new Notifier.Notification("-e title", "body \"quoted\"", "critical");

        assertThat(Notifier.notifySendCommand(Path.of("/usr/bin/notify-send"), settings, notification))
                .containsExactly("/usr/bin/notify-send", "--app-name=openpista", "--urgency=critical",
                        "--expire-time=3000", "--", "-e title", "body \"quoted\"");
        assertThat(Notifier.osascriptCommand(Path.of("/usr/bin/osascript"), notification))
                .containsExactly("/usr/bin/osascript", "-e", "on run argv", "-e",
                        "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run",
                        " -e title", "body \"quoted\"");
        assertThat(Notifier.gvariant("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
    }

    /** {@code dbus-monitor} watching the Notify calls on a bus, as text. */
    static final class Monitor implements AutoCloseable {
        private final Process process;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();

        private Monitor(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = process.getInputStream()) {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        synchronized (output) {
                            output.write(buffer, 0, read);
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the monitor was stopped
                }
            }, "dbus-monitor output");
            reader.setDaemon(true);
            reader.start();
        }

        static Monitor start(String address) throws Exception {
            Required.program("dbus-monitor", "dbus");
            Monitor monitor = new Monitor(new ProcessBuilder("dbus-monitor", "--address", address,
                    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'")
                    .redirectErrorStream(true).start());
            // a monitor announces itself by losing its own name
            monitor.await("member=NameLost");
            return monitor;
        }

        String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String seen;
                synchronized (output) {
                    seen = output.toString(StandardCharsets.UTF_8);
                }
                if (seen.contains(text)) {
                    return seen;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("dbus-monitor never showed " + text);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
