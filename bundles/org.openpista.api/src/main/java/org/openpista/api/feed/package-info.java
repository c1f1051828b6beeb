/**
 * What happens in the sessions, for whoever shows them live: {@link
 * org.openpista.api.feed.SessionListener} services (a whiteboard) hear of every turn's message, the
 * pieces of its answer as the model streams them, and its final answer, whichever channel the
 * message came from. A web chat or a terminal attached to a session uses it to show a message that
 * arrived from Telegram or Slack. The agent core calls them; with none registered it does no extra
 * work.
 */
@Export
@Version("1.0.0")
package org.openpista.api.feed;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
