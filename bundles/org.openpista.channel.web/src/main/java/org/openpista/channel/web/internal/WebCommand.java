package org.openpista.channel.web.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.channel.support.ChannelCommand;
import org.openpista.channel.support.ChannelReady;
import org.openpista.channel.support.FrameFields;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code openpista web setup|start|status|unlock}: the web chat on the command line. It runs in the
 * framework of a command, configured like the daemon (file and environment), where the channel
 * itself does not run: {@code start} turns the process into a daemon that runs the web chat only,
 * {@code unlock} asks the running daemon through its admin socket.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=web", scope = ServiceScope.PROTOTYPE,
        configurationPid = WebChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "web", mixinStandardHelpOptions = true,
        description = {"The web chat: a browser UI over WebSocket, on http://127.0.0.1:3210/ by default."},
        subcommands = {WebSetup.class, WebCommand.Start.class, WebCommand.Status.class, WebCommand.Unlock.class})
public final class WebCommand extends ChannelCommand<WebSettings> implements CliCommand, Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public WebCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            WebChannel.Config config) {
        super("web", WebChannel.SECTION, context, loader, editor, WebSettings.from(config));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code web start}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the openpista daemon with only the web chat, in the foreground, until Ctrl-C, SIGTERM or "
                    + "'openpista stop'; it serves even when [channels.web] enabled = false."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Override
        public Integer call() throws Exception {
            if (!web.fromCommandLine(System.err)) {
                return FAILED;
            }
            return web.launcher().runDaemon(Set.of(ChatHub.CHANNEL), this::listening);
        }

        /** @return 0 once the chat listens (the daemon then prints its URL), 1 with the reason when it cannot */
        private int listening() throws InterruptedException, InvalidSyntaxException {
            return ChannelReady.awaitListening(web.context(), ChatHub.CHANNEL, "web chat", System.err);
        }
    }

    /** {@code web status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the web chat's configuration and whether it is running."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Override
        public Integer call() throws InterruptedException {
            PrintStream out = System.out;
            WebSettings settings = web.settings();
            out.println("config:  " + web.loader().configFile());
            out.println("enabled: " + settings.enabled());
            out.println("address: " + settings.bind() + ":" + settings.port());
            out.println("token:   " + (settings.tokenRequired() ? "set (" + web.source("token") + ")"
                    : "not set (generated on first start)"));
            out.println("url:     " + settings.url(settings.port()));
            OptionalLong pid = web.daemon() == null ? OptionalLong.empty() : web.daemon().running();
            out.println("daemon:  " + (pid.isPresent() ? "running (PID " + pid.getAsLong() + ")" : "not running"));
            out.println("running: " + health(settings.url(settings.port())));
            return OK;
        }

        private static String health(String url) throws InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "health")).timeout(Duration.ofSeconds(3)).GET()
                    .build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return "something else answers on " + url + " (HTTP " + response.statusCode() + ")";
                }
                int clients = Frames.JSON.readTree(response.body()).path("clients").asInt();
                return "yes, " + clients + (clients == 1 ? " client" : " clients") + " connected";
            } catch (IOException e) {
                return "no (nothing answers on " + url + ")";
            }
        }
    }

    /** {@code web unlock}. */
    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = {"Lifts every login lockout of the running web chat and forgets its failed logins: your way back "
                    + "in when others (or a local program) locked the logins with wrong tokens."})
    static final class Unlock implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Override
        public Integer call() {
            if (web.daemon() == null || web.daemon().running().isEmpty()) {
                System.err.println("openpista: no daemon runs for " + web.loader().home() + "; nothing is locked");
                return FAILED;
            }
            try {
                System.out.print(web.daemon().execute("openpista:web unlock"));
                return OK;
            } catch (IOException e) {
                System.err.println("openpista: " + FrameFields.oneLine(e.getMessage()));
                return FAILED;
            }
        }
    }
}
