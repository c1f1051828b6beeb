package org.openpista.tui.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.command.CliCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine;

/**
 * What slash commands reach beyond the agent: other bundles' commands of the command line ({@code
 * /web setup} runs {@code openpista web setup --enable --yes} in this process, its output shown in a
 * box) and the running daemon ({@code /web}, {@code /qr}: the web chat's address as the daemon
 * tells its owner).
 */
final class Outside {

    private final BundleContext context;
    private final Supplier<DaemonClient> daemon;
    private final Captured captured;

    Outside(BundleContext context, Supplier<DaemonClient> daemon, Captured captured) {
        this.context = context;
        this.daemon = daemon;
        this.captured = captured;
    }

    /** Runs {@code openpista WORDS...} through the bundle command of the first word; reports its output. */
    void run(List<String> words, String title, Consumer<Event> events) {
        Thread worker = new Thread(() -> events.accept(runNow(words, title)), "openpista-tui-command");
        worker.setDaemon(true);
        worker.start();
    }

    private Event runNow(List<String> words, String title) {
        ServiceReference<CliCommand> reference;
        try {
            Collection<ServiceReference<CliCommand>> found = context.getServiceReferences(CliCommand.class,
                    "(" + CliCommand.NAME + "=" + words.get(0) + ")");
            reference = found.isEmpty() ? null : found.iterator().next();
        } catch (InvalidSyntaxException e) {
            reference = null;
        }
        if (reference == null) {
            return new Event.Notice("'openpista " + words.get(0) + "' is not installed here", true);
        }
        ServiceObjects<CliCommand> objects = context.getServiceObjects(reference);
        CliCommand command = objects.getService();
        int[] status = new int[1];
        String output;
        try {
            output = captured.around(() -> status[0] = new CommandLine(command.command())
                    .execute(words.subList(1, words.size()).toArray(new String[0])));
        } finally {
            objects.ungetService(command);
        }
        List<String> lines = new ArrayList<>(List.of(Layout.clean(strip(output)).split("\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (status[0] != 0) {
            lines.add("(exit status " + status[0] + ")");
        }
        return new Event.Shown(title, lines.isEmpty() ? List.of("(done)") : lines);
    }

    /** @return the text without the colour and cursor sequences a command may print */
    static String strip(String text) {
        return text.replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "").replaceAll("\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)", "");
    }

    /** {@code /web} and {@code /qr}: the running daemon's web chat address. */
    void webInfo(boolean qr, Consumer<Event> events) {
        Thread worker = new Thread(() -> events.accept(webInfoNow(qr)), "openpista-tui-web");
        worker.setDaemon(true);
        worker.start();
    }

    private Event webInfoNow(boolean qr) {
        String url;
        try {
            url = webChat(daemon.get());
        } catch (IOException e) {
            return new Event.Notice(e.getMessage(), true);
        }
        if (url == null) {
            return new Event.Notice("the daemon does not serve the web chat; enable it with /web setup and restart "
                    + "the daemon (openpista stop, openpista start)", true);
        }
        List<String> lines = new ArrayList<>();
        if (qr) {
            lines.addAll(QrText.lines(url));
            lines.add("");
        }
        lines.add(url);
        lines.add("");
        lines.add("The address holds the web chat's token: share it only with yourself.");
        return new Event.Shown("Web chat", lines);
    }

    /**
     * @return the web chat's address with its token, as the daemon of this home prints it for its
     *     owner ({@code openpista:ready}), or {@code null} when the daemon does not serve it
     * @throws IOException when no daemon runs
     */
    static String webChat(DaemonClient client) throws IOException {
        if (client == null || client.running().isEmpty()) {
            throw new IOException("no daemon runs for this home: the web chat runs in it (openpista start, or openpista "
                    + "web start)");
        }
        for (String line : client.execute("openpista:ready").split("\n")) {
            String text = line.strip();
            if (text.startsWith("Web chat:")) {
                String rest = text.substring("Web chat:".length()).strip();
                return rest.startsWith("http") ? rest.split("\\s+")[0] : null;
            }
        }
        return null;
    }
}
