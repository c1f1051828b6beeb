package org.openpista.tool.desktop.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real X server for the clipboard tests: Xvfb on a free display number, which it writes to stdout
 * once it accepts clients ({@code -displayfd 1}). Closing stops it, and with it every xclip that
 * still holds its clipboard.
 */
final class VirtualScreen implements AutoCloseable {

    private final Process server;
    private final String display;

    private VirtualScreen(Process server, String display) {
        this.server = server;
        this.display = display;
    }

    static VirtualScreen start() throws Exception {
        Required.program("Xvfb", "xvfb");
        Required.program("xdpyinfo", "x11-utils");
        Process server = new ProcessBuilder("Xvfb", "-displayfd", "1", "-noreset", "-screen", "0", "320x200x24", "-nolisten",
                "tcp").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        String number = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        if (number == null || !number.strip().matches("\\d+")) {
            server.destroyForcibly();
            throw new AssertionError("Xvfb did not start (it wrote " + number + ")");
        }
        String display = ":" + number.strip();
        awaitClients(server, display);
        return new VirtualScreen(server, display);
    }

    String display() {
        return display;
    }

    /** @return an environment with this display as {@code DISPLAY} and the test's {@code PATH} and {@code HOME} */
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("DISPLAY", display);
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("HOME", System.getProperty("user.home"));
        return environment;
    }

    /**
     * Waits until a client can open the display: under load Xvfb has been seen to refuse the first
     * client right after it reported its number ("Can't open display").
     */
    private static void awaitClients(Process server, String display) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Process probe = new ProcessBuilder("xdpyinfo", "-display", display).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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

    @Override
    public void close() {
        server.destroy();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
