package org.openpista.channel.whatsapp.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState.Phase;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What {@code whatsapp start} does once its daemon runs: says the channel's state and, in bridge
 * mode, keeps printing what the pairing needs (new QR codes, connected, dropped) on the terminal
 * until the channel stops.
 */
final class WhatsAppReady implements Callable<Integer> {

    /** How long the channel may take to register. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String FILTER = "(" + ChannelAdapter.CHANNEL + "=" + Conversations.CHANNEL + ")";

    private final BundleContext context;
    private final boolean bridge;

    /** @param bridge whether the channel runs in bridge mode, with a pairing to follow */
    WhatsAppReady(BundleContext context, boolean bridge) {
        this.context = context;
        this.bridge = bridge;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ChannelAdapter channel = await(ChannelAdapter.class);
        if (channel == null) {
            err.println("openpista: whatsapp: the channel did not start; see the log");
            return WhatsAppCommand.FAILED;
        }
        out.println("WhatsApp: " + channel.status());
        out.flush();
        if (bridge) {
            ChannelPairing pairing = await(ChannelPairing.class);
            if (pairing != null) {
                Thread watcher = new Thread(() -> follow(pairing, new PairingPrinter(out, err)), "openpista-whatsapp-pairing");
                watcher.setDaemon(true);
                watcher.start();
            }
        }
        return WhatsAppCommand.OK;
    }

    /** Prints the pairing's changes until the channel stops. */
    private static void follow(ChannelPairing pairing, PairingPrinter printer) {
        try {
            while (printer.show(pairing).phase() != Phase.STOPPED) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the channel went away with the framework
        }
    }

    /** @return the channel's service once registered, or {@code null} after {@link #SETTLE} or when the bundle stops */
    private <S> S await(Class<S> type) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Collection<ServiceReference<S>> found = context.getServiceReferences(type, FILTER);
                for (ServiceReference<S> reference : found) {
                    S service = context.getService(reference);
                    if (service != null) {
                        // the channel's own objects, registered by this bundle: held while the watcher follows them
                        return service;
                    }
                }
            } catch (InvalidSyntaxException | IllegalStateException e) {
                return null; // the bundle stopped: the daemon is going away
            }
            Thread.sleep(50);
        }
        return null;
    }
}
