package org.openpista.channel.web.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.openpista.channel.support.ServerSetup;
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
        WebSettings current = web.settings();
        ServerSetup.Outcome written = ServerSetup.save(new ServerSetup.Options(enable, bind, port, token, regenerate, yes),
                new ServerSetup.Table(WebChannel.SECTION, "token", WebSettings.MIN_REMOTE_TOKEN,
                        "Replace the existing web token? Clients using it must log in again."),
                current.tokenRequired(), Serving::newToken, web.editor(), web.loader().configFile(), System.in, out, err);
        if (written.status() != WebCommand.OK) {
            return written.status();
        }
        String newToken = written.newToken();
        WebSettings saved = new WebSettings(enable || current.enabled(), bind != null ? bind : current.bind(),
                port != null ? port : current.port(), newToken != null ? newToken : current.token(), current.corsOrigins(),
                current.staticDir(), current.sharedSessionId(), current.maxFrameBytes(), current.turnTimeout(),
                current.approvalTimeout());
        String url = saved.url(saved.port());
        out.println("Web chat: " + url + " (start it with: openpista web start)");
        if (newToken != null) {
            out.println("Token: " + newToken);
            out.println("Open:  " + url + "#token=" + newToken);
            web.loader().environmentOf(WebChannel.SECTION, "token").ifPresent(variable -> out.println(
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
