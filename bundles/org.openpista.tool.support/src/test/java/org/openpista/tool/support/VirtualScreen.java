package org.openpista.tool.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real X server for the tests of the tool bundles (screen capture and OCR, the clipboard): Xvfb on a
 * free display number (it writes the number it took to stdout once it accepts clients, {@code
 * -displayfd 1}), with windows shown by {@code xmessage}, a tiny X client of Debian's x11-utils.
 * Closing stops the windows and the server, and with it every xclip that still holds its clipboard.
 * In this bundle's test jar.
 */
public final class VirtualScreen implements AutoCloseable {

    private final Process server;
    private final String display;
    private final List<Process> clients = new ArrayList<>();

    private VirtualScreen(Process server, String display) {
        this.server = server;
        this.display = display;
    }

    /** @return a 320x200 screen that lets every local client in */
    public static VirtualScreen start() throws Exception {
        return start(320, 200, null);
    }

    /**
     * @param authority an X authority file whose cookies the server demands, or {@code null} for a
     *     server that lets every local client in
     */
    public static VirtualScreen start(int width, int height, Path authority) throws Exception {
        Required.program("Xvfb", "xvfb");
        Required.program("xmessage", "x11-utils");
        Required.program("xdpyinfo", "x11-utils");
        List<String> command = new ArrayList<>(List.of("Xvfb", "-displayfd", "1", "-noreset", "-screen", "0",
                width + "x" + height + "x24", "-nolisten", "tcp", "-br", "-nocursor"));
        if (authority != null) {
            command.addAll(List.of("-auth", authority.toString()));
        }
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        String number;
        try {
            number = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.destroyForcibly();
            throw new AssertionError("Xvfb did not report its display within 30 s", e);
        }
        if (number == null || !number.strip().matches("\\d+")) {
            server.destroyForcibly();
            throw new AssertionError("Xvfb did not start (it wrote " + number + ")");
        }
        String display = ":" + number.strip();
        awaitClients(server, display, authority);
        return new VirtualScreen(server, display);
    }

    /** @return the display name, for example {@code :3} */
    public String display() {
        return display;
    }

    /** @return an environment with this display as {@code DISPLAY} and the test's {@code PATH} and {@code HOME} */
    public Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("DISPLAY", display);
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("HOME", System.getProperty("user.home"));
        return environment;
    }

    /**
     * Shows a window with text at a position and waits until the server maps it.
     *
     * @param font an X core font such as {@code 10x20}
     * @param background the window's colour, {@code #rrggbb}
     */
    public void window(String text, int x, int y, String font, String background, String foreground) throws Exception {
        String title = "openpista-test-" + clients.size();
        Path errors = Files.createTempFile("xmessage", ".err");
        ProcessBuilder builder = new ProcessBuilder("xmessage", "-title", title, "-geometry", "+" + x + "+" + y,
                "-fn", font, "-bg", background, "-fg", foreground, text)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errors.toFile());
        builder.environment().put("DISPLAY", display);
        Process client = builder.start();
        clients.add(client);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        try {
            while (!viewable(title)) {
                if (!client.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new AssertionError("xmessage did not show its window on " + display + " ("
                            + (client.isAlive() ? "still running after 60 s" : "exit code " + client.exitValue())
                            + "): " + Files.readString(errors).strip());
                }
                Thread.sleep(50);
            }
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private boolean viewable(String title) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("xwininfo", "-name", title).redirectErrorStream(true);
        builder.environment().put("DISPLAY", display);
        Process info = builder.start();
        String output = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor();
        return output.contains("IsViewable");
    }

    @Override
    public void close() {
        for (Process client : clients) {
            client.destroy();
            await(client);
        }
        server.destroy();
        if (!await(server)) {
            server.destroyForcibly();
        }
    }

    /**
     * Waits until a client can open the display. The server runs with -noreset: an X server resets
     * when its last client leaves, and a client connecting during the reset is refused ("Can't open
     * display"), which CI saw between two windows.
     */
    private static void awaitClients(Process server, String display, Path authority) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ProcessBuilder xdpyinfo = new ProcessBuilder("xdpyinfo", "-display", display).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            if (authority != null) {
                xdpyinfo.environment().put("XAUTHORITY", authority.toString());
            }
            Process probe = xdpyinfo.start();
            if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return;
            }
            probe.destroyForcibly();
            if (!server.isAlive() || System.nanoTime() > deadline) {
                server.destroyForcibly();
                throw new AssertionError("Xvfb on " + display + " accepted no client within 30 s"
                        + (server.isAlive() ? "" : " (it exited with " + server.exitValue() + ")"));
            }
            Thread.sleep(100);
        }
    }

    private static boolean await(Process process) {
        try {
            return process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
