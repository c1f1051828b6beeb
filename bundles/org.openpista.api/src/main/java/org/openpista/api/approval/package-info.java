/**
 * Approval of tool calls before they run. A decision is always bound to one exact call (tool name and arguments).
 */
@Export
@Version("1.1.0")
package org.openpista.api.approval;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
