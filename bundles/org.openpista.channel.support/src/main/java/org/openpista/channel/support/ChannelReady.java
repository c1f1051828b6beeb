package org.openpista.channel.support;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What {@code openpista <channel> start} does once its daemon runs, before the ready line: waits
 * until the channel listens and prints what its {@code listening} function makes of the status
 * ("Telegram bot @name is listening…"), or stops the daemon with the channel's status when it cannot
 * run (an {@code off (…)} status: no or a refused token, a bad {@code api_url}). While the service
 * cannot be reached it warns and lets the daemon run: the channel keeps trying. The daemon gives
 * this wait up when it is asked to stop meanwhile.
 *
 * <p>Servers the daemon's ready line describes (the web chat, the mobile channel) wait with {@link
 * #awaitListening} instead: they either listen or fail, there is nothing to keep trying.
 */
public final class ChannelReady implements Callable<Integer> {

    /** How long the channel may take to connect before the daemon runs anyway. */
    public static final Duration SETTLE = Duration.ofSeconds(30);

    private final BundleContext context;
    private final String channel;
    private final String filter;
    private final Function<String, String> listening;
    private volatile boolean stopping;

    /**
     * @param context the channel bundle's context, where its {@link ChannelAdapter} registers
     * @param channel the channel's id ({@link ChannelAdapter#CHANNEL}), which also names it in messages
     * @param listening the line to print for a status that means the channel listens, null for any
     *     other status (starting, connecting, a failure it retries)
     */
    public ChannelReady(BundleContext context, String channel, Function<String, String> listening) {
        this.context = context;
        this.channel = channel;
        this.filter = "(" + ChannelAdapter.CHANNEL + "=" + channel + ")";
        this.listening = listening;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String status = awaitSettled();
        if (status == null) {
            err.println("openpista: " + channel + ": the channel did not start; see the log");
            return ChannelStart.FAILED;
        }
        if (status.startsWith("off")) {
            err.println("openpista: " + channel + ": " + status);
            return ChannelStart.FAILED;
        }
        String line = listening.apply(status);
        if (line != null) {
            out.println(line);
            out.flush();
        } else {
            err.println("openpista: warning: " + channel + ": " + status + "; it keeps trying");
        }
        return ChannelStart.OK;
    }

    /**
     * Waits until a server channel's status says {@code listening}, while it is starting or not
     * registered yet, for {@link #SETTLE} at the most.
     *
     * @param name what the channel is called in the message ("web chat")
     * @return {@link ChannelStart#OK} once it listens (the daemon then prints its address), {@link
     *     ChannelStart#FAILED} after printing its status on {@code err} when it does not
     */
    public static int awaitListening(BundleContext context, String channel, String name, PrintStream err)
            throws InterruptedException, InvalidSyntaxException {
        String filter = "(" + ChannelAdapter.CHANNEL + "=" + channel + ")";
        String status = "not running";
        long deadline = System.nanoTime() + SETTLE.toNanos();
        do {
            for (ServiceReference<ChannelAdapter> reference : context.getServiceReferences(ChannelAdapter.class, filter)) {
                ChannelAdapter adapter = context.getService(reference);
                if (adapter != null) {
                    try {
                        status = adapter.status();
                    } finally {
                        context.ungetService(reference);
                    }
                }
            }
            if (status.startsWith("listening")) {
                return ChannelStart.OK;
            }
            if (!status.startsWith("starting") && !status.equals("not running")) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        err.println("openpista: " + name + ": " + status);
        return ChannelStart.FAILED;
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
            Collection<ServiceReference<ChannelAdapter>> found = context.getServiceReferences(ChannelAdapter.class, filter);
            for (ServiceReference<ChannelAdapter> reference : found) {
                ChannelAdapter adapter = context.getService(reference);
                if (adapter != null) {
                    try {
                        return adapter.status();
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
