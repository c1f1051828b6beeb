package org.openpista.api.pairing;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's connections to things outside the daemon (the MCP servers it runs, a bot's link to its
 * platform), for the web UI's Connections dialog. Any bundle may register one; readers ask when they
 * show the dialog, so {@link #connections()} must be cheap and must not connect anything.
 */
@ConsumerType
public interface ConnectionStatusProvider {

    /** @return the connections as they are now, in the order to show them; never {@code null} */
    List<ConnectionStatus> connections();
}
