/**
 * Observing the agent at work: {@link org.openpista.api.observe.TurnObserver} services (whiteboard)
 * hear of every turn, model request, tool call and approval decision as it happens, with durations,
 * outcomes and token counts, for metrics, traces, logs and usage accounting. The agent core calls
 * them; with none registered it does no extra work.
 */
@Export
@Version("1.0.0")
package org.openpista.api.observe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
