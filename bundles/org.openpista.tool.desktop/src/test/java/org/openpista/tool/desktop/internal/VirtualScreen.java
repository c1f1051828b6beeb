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
        Process server = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "320x200x24", "-nolisten",
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
        return new VirtualScreen(server, ":" + number.strip());
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
