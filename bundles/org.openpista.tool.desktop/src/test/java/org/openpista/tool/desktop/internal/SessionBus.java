package org.openpista.tool.desktop.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.tool.support.Required;

/**
 * A real D-Bus session bus for tests: Debian's {@code dbus-daemon} with a configuration of the test's
 * own, listening on a socket file and, when asked, also on an abstract socket (which the JDK cannot
 * reach). It prints its address once it accepts clients. Closing stops it.
 */
final class SessionBus implements AutoCloseable {

    private final Process daemon;
    private final String address;
    private final Path socket;

    private SessionBus(Process daemon, String address, Path socket) {
        this.daemon = daemon;
        this.address = address;
        this.socket = socket;
    }

    /** @param abstractToo whether the bus also listens on an abstract socket, named first in its address */
    static SessionBus start(Path folder, boolean abstractToo) throws Exception {
        Required.program("dbus-daemon", "dbus");
        Path socket = folder.resolve("bus");
        String listen = (abstractToo ? "<listen>unix:abstract=" + folder.resolve("abstract-bus") + "</listen>\n" : "")
                + "<listen>unix:path=" + socket + "</listen>\n";
        Path config = Files.writeString(folder.resolve("session.conf"), """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  %s
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(listen));
        Process daemon = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--print-address=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        String address = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        if (address == null || address.isBlank()) {
            daemon.destroyForcibly();
            throw new AssertionError("dbus-daemon did not start");
        }
        return new SessionBus(daemon, address.strip(), socket);
    }

    /** @return the address the daemon printed: its socket file */
    String address() {
        return address;
    }

    /** @return the address of the abstract socket, when the bus listens on one */
    String abstractAddress() {
        return "unix:abstract=" + socket.resolveSibling("abstract-bus");
    }

    /** @return the address of the socket file alone */
    String pathAddress() {
        return "unix:path=" + socket;
    }

    @Override
    public void close() {
        daemon.destroy();
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
