package org.openpista.channel.web.internal;

import java.util.List;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.auth.AuthService;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.ConnectionStatusProvider;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.usage.UsageSummaries;

/**
 * Services the chat uses when they run: model switching, provider logins, session routing, channel
 * pairing, other bundles' connections, usage, the daemon and its bundles. Each may be absent (its bundle not installed or stopped); the frames that need it then
 * answer with a clear error, or say that it is unavailable.
 */
interface OptionalServices {

    /** @return the model selector, or {@code null} */
    ModelSelector models();

    /** @return the login service, or {@code null} */
    AuthService auth();

    /** @return the session router, or {@code null} */
    SessionRouter router();

    /** @return the pairing service of a channel (WhatsApp's QR code), or {@code null} when none runs */
    ChannelPairing pairing(String channel);

    /** @return the running providers of connection states (MCP servers…); empty when none runs */
    List<ConnectionStatusProvider> connectionProviders();

    /** @return the usage summaries of the observability feature, or {@code null} */
    UsageSummaries usage();

    /** @return the daemon, or {@code null} */
    DaemonControl daemon();

    /** @return every bundle of the framework, in the order of their ids */
    List<DaemonInfo.BundleRow> bundles();
}
