package org.openpista.channel.telegram.internal;

/**
 * Where the webhook is served: the web channel's HTTP server through the HTTP whiteboard in the
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
     * Serves the webhook at {@link TelegramWebhook#PATH}.
     *
     * @throws IllegalStateException when it cannot be served, with the reason
     */
    Serving serve(TelegramWebhook webhook);

    /** @return why no HTTP server answers at the webhook's path right now, or {@code null} when one does */
    String problem();

    /** No HTTP server at all. */
    WebhookServer NONE = new WebhookServer() {
        @Override
        public Serving serve(TelegramWebhook webhook) {
            throw new IllegalStateException("no HTTP server to serve the webhook");
        }

        @Override
        public String problem() {
            return "no HTTP server";
        }
    };
}
