/**
 * Channels connect the agent to its owner (terminal, web, Telegram, WhatsApp, ...). A channel adapter turns platform messages into {@link org.openpista.api.channel.InboundMessage}s, hands them to the {@link org.openpista.api.channel.AgentGateway} and receives progress and answers through a {@link org.openpista.api.channel.ReplySink}.
 */
@Export
@Version("1.2.0")
package org.openpista.api.channel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
