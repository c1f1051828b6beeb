package org.openpista.channel.slack.internal;

/**
 * Where the Events API endpoint is served: the web channel's HTTP server through the HTTP whiteboard in the
 * daemon, a Jetty of the test's own in unit tests.
 */
interface WebhookServer {

    /** A webhook that is served until closed. */
    @FunctionalInterface
    interface Serving extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Serves the endpoint at {@link SlackWebhook#PATH}.
     *
     * @throws IllegalStateException when it cannot be served, with the reason
     */
    Serving serve(SlackWebhook webhook);

    /** @return why no HTTP server answers at the webhook's path right now, or {@code null} when one does */
    String problem();

    /** No HTTP server at all. */
    WebhookServer NONE = new WebhookServer() {
        @Override
        public Serving serve(SlackWebhook webhook) {
            throw new IllegalStateException("no HTTP server to serve the webhook");
        }

        @Override
        public String problem() {
            return "no HTTP server";
        }
    };
}
