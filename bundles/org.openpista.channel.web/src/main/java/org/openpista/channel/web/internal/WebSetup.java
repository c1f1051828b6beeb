package org.openpista.channel.web.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code web setup}: writes {@code [channels.web]} of config.toml through the configuration bundle's
 * editor (in place, atomically, owner-only) and prints the URL. A token is generated when none is
 * set; replacing one asks first, or needs {@code --yes} without a terminal.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Writes the [channels.web] section of config.toml and prints the URL of the chat.",
            "A token is generated when none is set (or with --regenerate-token)."})
final class WebSetup implements Callable<Integer> {

    @ParentCommand
    WebCommand web;

    @Option(names = "--enable", description = "Set enabled = true.")
    boolean enable;

    @Option(names = "--port", paramLabel = "N", description = "The port (default 3210).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "The address to listen on (default 127.0.0.1).")
    String bind;

    @Option(names = "--token", paramLabel = "T", description = "The access token to require, at least 16 characters.")
    String token;

    @Option(names = "--regenerate-token", description = "Replace the token with a new random one.")
    boolean regenerate;

    @Option(names = "--yes", description = "Do not ask before replacing an existing token.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (port != null && (port < 0 || port > 65535)) {
            err.println("openpista: --port must be between 0 and 65535");
            return WebCommand.USAGE;
        }
        if (token != null && token.strip().length() < WebSettings.MIN_REMOTE_TOKEN) {
            err.println("openpista: --token must have at least " + WebSettings.MIN_REMOTE_TOKEN + " characters");
            return WebCommand.USAGE;
        }
        if (token != null && regenerate) {
            err.println("openpista: use either --token or --regenerate-token");
            return WebCommand.USAGE;
        }
        WebSettings current = web.settings;
        String newToken = token != null ? token.strip() : regenerate || !current.tokenRequired() ? Serving.newToken() : null;
        if (newToken != null && current.tokenRequired() && !yes) {
            if (System.console() == null) {
                err.println("openpista: a token is already set; pass --yes to replace it");
                return WebCommand.USAGE;
            }
            err.print("Replace the existing web token? Clients using it must log in again. [y/N] ");
            err.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                err.println("Left the token as it was.");
                newToken = null;
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (enable) {
            values.put("enabled", true);
        }
        if (bind != null) {
            values.put("bind", bind.strip());
        }
        if (port != null) {
            values.put("port", port);
        }
        if (newToken != null) {
            values.put("token", newToken);
        }
        Path file = web.loader.configFile();
        if (values.isEmpty()) {
            out.println("Nothing to change in " + file);
        } else {
            file = web.editor.set(WebChannel.SECTION, values);
            out.println("Saved [" + WebChannel.SECTION + "] in " + file);
        }
        WebSettings saved = new WebSettings(enable || current.enabled(), bind != null ? bind : current.bind(),
                port != null ? port : current.port(), newToken != null ? newToken : current.token(), current.corsOrigins(),
                current.staticDir(), current.sharedSessionId(), current.maxFrameBytes(), current.turnTimeout(),
                current.approvalTimeout());
        String url = saved.url(saved.port());
        out.println("Web chat: " + url + " (start it with: openpista web start)");
        if (newToken != null) {
            out.println("Token: " + newToken);
            out.println("Open:  " + url + "#token=" + newToken);
            web.loader.environmentOf(WebChannel.SECTION, "token").ifPresent(variable -> out.println(
                    "Note: " + variable + " is set and wins over the file while it is."));
        }
        String refusal = saved.refusal();
        if (refusal != null) {
            out.println("Note: the chat will not start like this: " + refusal);
        }
        if (!saved.enabled()) {
            out.println("Note: [channels.web] enabled = false; openpista start leaves it off (pass --enable to turn it on; "
                    + "openpista web start runs it anyway).");
        }
        return WebCommand.OK;
    }
}
