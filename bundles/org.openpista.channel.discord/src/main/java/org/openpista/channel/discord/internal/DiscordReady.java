package org.openpista.channel.discord.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What {@code discord start} does once its daemon runs, before the ready line: waits until the bot is
 * on the gateway and says "Discord bot @name is listening", or stops the daemon with the channel's
 * status when the bot cannot run (a refused token). While Discord cannot be reached it warns and lets
 * the daemon run: the channel keeps trying. The daemon gives this wait up when it is asked to stop
 * meanwhile.
 */
final class DiscordReady implements Callable<Integer> {

    /** How long the bot may take to connect before the daemon runs anyway. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String FILTER = "(" + ChannelAdapter.CHANNEL + "=" + MessageHandler.CHANNEL + ")";

    private final BundleContext context;
    private volatile boolean stopping;

    DiscordReady(BundleContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String status = awaitSettled();
        if (status == null) {
            err.println("openpista: discord: the channel did not start; see the log");
            return DiscordCommand.FAILED;
        }
        if (status.startsWith("off")) {
            err.println("openpista: discord: " + status);
            return DiscordCommand.FAILED;
        }
        if (status.startsWith("gateway as")) {
            String bot = status.substring("gateway as ".length()).split(" since ")[0];
            out.println("Discord bot " + bot + " is listening; write to it in Discord (a direct message, a mention or /ask).");
            out.flush();
        } else {
            err.println("openpista: warning: discord: " + status + "; it keeps trying");
        }
        return DiscordCommand.OK;
    }

    /** @return the channel's status once it is neither starting nor connecting, or after {@link #SETTLE}; null when it never registered */
    private String awaitSettled() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String status = status();
        while ((status == null || status.startsWith("starting") || status.startsWith("connecting"))
                && System.nanoTime() < deadline && !stopping) {
            Thread.sleep(50);
            status = status();
        }
        return status;
    }

    /** @return the status of the channel registered now (it is looked up each time: a reconfigured one is a new service) */
    private String status() {
        try {
            Collection<ServiceReference<ChannelAdapter>> found = context.getServiceReferences(ChannelAdapter.class, FILTER);
            for (ServiceReference<ChannelAdapter> reference : found) {
                ChannelAdapter channel = context.getService(reference);
                if (channel != null) {
                    try {
                        return channel.status();
                    } finally {
                        context.ungetService(reference);
                    }
                }
            }
            return null;
        } catch (InvalidSyntaxException | IllegalStateException e) {
            stopping = true; // the bundle stopped: the daemon is going away
            return null;
        }
    }
}
