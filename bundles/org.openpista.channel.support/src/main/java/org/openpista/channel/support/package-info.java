/**
 * What the channel bundles share, so each of them keeps only its service's protocol: {@link
 * org.openpista.channel.support.Lockout} (the login lockout of the web chat and the mobile channel),
 * {@link org.openpista.channel.support.ChannelStart} and {@link
 * org.openpista.channel.support.ChannelReady} (the plumbing of {@code openpista <channel> start}: tokens
 * for one run, the wait for the channel's component and for the channel to listen) and {@link
 * org.openpista.channel.support.WebhookWhiteboard} and {@link org.openpista.channel.support.WebhookServer}
 * (a webhook servlet on the web chat's HTTP server),
 * {@link org.openpista.channel.support.ChannelCommand} (what a channel's {@code openpista <channel>}
 * command shares: its framework, its settings, where a secret comes from, the first steps of {@code
 * start} and {@code setup}'s save), {@link org.openpista.channel.support.StateFiles}, {@link
 * org.openpista.channel.support.RecentIds} and {@link org.openpista.channel.support.Backoff} (a
 * channel's state files, its ledger of what it handed over, its reconnection waits) and {@link
 * org.openpista.channel.support.ModelCommand} (a chat's {@code /model} answer) and {@link
 * org.openpista.channel.support.BoundedBody} (an HTTP answer read whole within a deadline and up to a
 * limit, or an answer under way awaited so), {@link org.openpista.channel.support.DaemonThreads} (the
 * named daemon threads of a channel's executors), {@link org.openpista.channel.support.Problems}
 * (an exception said in one line) and {@link org.openpista.channel.support.WebSocketText} (a
 * WebSocket's text messages put together up to a limit) and {@link
 * org.openpista.channel.support.Lazy} (a value made at its first use). Each channel keeps its own settings, commands and texts; these are
 * the mechanics under them.
 *
 * <p>It lives in a bundle of its own rather than in the API bundle, which is what plug-ins compile
 * against and stays free of these details. Its callers are openpista's own channel bundles; it has no
 * components and costs nothing until one of them uses it.
 */
@Export
@Version("1.4.0")
package org.openpista.channel.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
