package org.openpista.channel.web.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.openpista.channel.support.FrameFields;

/**
 * Whether the web chat serves in this daemon, and with what: decided once per configuration by
 * {@link WebChannel}. It serves when the daemon runs the channel and the settings are safe: anything
 * but loopback needs a token of at least 16 characters; on loopback a missing token is generated
 * (and saved by the caller); {@code static_dir} must be a folder and the port free.
 *
 * @param settings the settings to serve with, the generated token included
 * @param runs whether the daemon runs the channel at all
 * @param problem why it does not serve, or {@code null} when it does
 * @param tokenNote for the owner's terminal: what became of a generated token; empty when none was
 */
record Serving(WebSettings settings, boolean runs, String problem, String tokenNote) {

    /** What {@code openpista start} prints for the web chat starts with this. */
    static final String READY = "Web chat: ";

    /**
     * @param configured the configuration
     * @param runs whether the daemon runs the channel ({@code DaemonControl.runsChannel})
     * @param saveToken saves a generated token and says what happened, for the owner
     */
    static Serving decide(WebSettings configured, boolean runs, UnaryOperator<String> saveToken) {
        if (!runs) {
            return new Serving(configured, false, configured.enabled() ? "not run by this daemon"
                    : "disabled ([channels.web] enabled = false)", "");
        }
        String problem = configured.refusal();
        String note = "";
        WebSettings settings = configured;
        if (problem == null && !configured.tokenRequired()) {
            String token = newToken();
            note = saveToken.apply(token);
            settings = configured.withToken(token);
        }
        if (problem == null) {
            problem = new StaticFiles(settings.staticDir(), path -> null).problem();
        }
        if (problem == null) {
            problem = probe(settings);
        }
        return new Serving(settings, true, problem, note);
    }

    /** @return a new random token: 48 hex digits */
    static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** @return whether the chat serves */
    boolean serves() {
        return problem == null;
    }

    /**
     * @param url where the chat answers
     * @return the lines for the owner's terminal: the URL with the token (and what became of a
     *     generated token), or why the chat does not listen; none when the daemon does not run it
     */
    List<String> readyLines(String url) {
        if (!runs) {
            return List.of();
        }
        if (problem != null) {
            return List.of(READY + "not listening: " + problem);
        }
        String line = READY + url + "#token=" + settings.token();
        return tokenNote.isEmpty() ? List.of(line) : List.of(line, tokenNote);
    }

    /** @return the status while it does not serve */
    String refusedStatus() {
        return runs ? "not listening: " + problem : problem;
    }

    /** @return why the port cannot be used, or {@code null} when it is free */
    private static String probe(WebSettings settings) {
        if (settings.port() == 0) {
            return null;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.bind(), settings.port()));
            return null;
        } catch (IOException e) {
            return "cannot listen on " + settings.bind() + ":" + settings.port() + ": " + FrameFields.describe(e)
                    + " (another program uses the port? set [channels.web] port or OPENPISTA_WEB_PORT)";
        }
    }
}
