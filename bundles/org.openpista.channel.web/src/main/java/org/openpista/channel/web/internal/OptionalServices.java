package org.openpista.channel.web.internal;

import org.openpista.api.auth.AuthService;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.session.SessionRouter;

/**
 * Services the chat uses when they run: model switching, provider logins, session routing, channel
 * pairing. Each may be absent (its bundle not installed or stopped); the frames that need it then
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
}
