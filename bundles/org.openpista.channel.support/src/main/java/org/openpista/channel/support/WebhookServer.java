package org.openpista.channel.support;

import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Where a channel's webhook is served: the web chat's HTTP server through the HTTP whiteboard in the
 * daemon ({@link #whiteboard}), a Jetty of the test's own in unit tests.
 *
 * @param <W> the channel's webhook, which its servlet hands the requests to
 */
public interface WebhookServer<W> {

    /** A webhook that is served until closed. */
    @FunctionalInterface
    interface Serving extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Serves the webhook.
     *
     * @throws IllegalStateException when it cannot be served, with the reason
     */
    Serving serve(W webhook);

    /** @return why no HTTP server answers at the webhook's path right now, or {@code null} when one does */
    String problem();

    /** @return no HTTP server at all */
    static <W> WebhookServer<W> none() {
        return new WebhookServer<>() {
            @Override
            public Serving serve(W webhook) {
                throw new IllegalStateException("no HTTP server to serve the webhook");
            }

            @Override
            public String problem() {
                return "no HTTP server";
            }
        };
    }

    /**
     * The web chat's HTTP server (Felix HTTP on Jetty): the webhook's servlet is registered with the
     * HTTP whiteboard ({@link WebhookWhiteboard}).
     *
     * @param context the channel bundle's context, which registers the servlet
     * @param path the servlet's path ({@code /webhooks/telegram})
     * @param name the servlet's name ({@code openpista-telegram-webhook})
     * @param what what is served ("the webhook"), for {@link #problem()}
     * @param servlet makes the channel's {@code jakarta.servlet.Servlet} for a webhook, in the channel's
     *     bundle: the servlet API is there only with the web feature, so this is called (and the servlet
     *     class loaded) only when a webhook is served, and a missing API shows as a {@link LinkageError}
     *     then; pass a lambda ({@code webhook -> new MyServlet(webhook)}), since a constructor reference
     *     loads the class where it is written
     */
    static <W> WebhookServer<W> whiteboard(BundleContext context, String path, String name, String what,
            Function<W, Object> servlet) {
        return new WebhookServer<>() {
            @Override
            public Serving serve(W webhook) {
                // by name: this bundle does not import the servlet API; the framework checks the servlet against it
                ServiceRegistration<?> registration = context.registerService("jakarta.servlet.Servlet",
                        servlet.apply(webhook), WebhookWhiteboard.servletProperties(path, name));
                return () -> WebhookWhiteboard.unregister(registration);
            }

            @Override
            public String problem() {
                return WebhookWhiteboard.problem(context, what);
            }
        };
    }
}
