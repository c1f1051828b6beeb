/**
 * What the web UI's Connections dialog shows. Pairing of channels that link to an account by
 * scanning a code, such as WhatsApp's linked devices: the channel registers a {@link
 * org.openpista.api.pairing.ChannelPairing} service and keeps its {@link
 * org.openpista.api.pairing.PairingState} current; the terminal ({@code openpista whatsapp}) and the
 * web UI read it to show the QR code and the connection state. Any other connection a bundle keeps
 * (MCP servers, a bot's link to its platform): the bundle registers a {@link
 * org.openpista.api.pairing.ConnectionStatusProvider}, and the dialog lists its {@link
 * org.openpista.api.pairing.ConnectionStatus}es.
 */
@Export
@Version("1.1.0")
package org.openpista.api.pairing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
