/**
 * Scheduled messages: {@code [[cron]]} entries of config.toml and jobs added at runtime, each sending a message to a session on a cron schedule and optionally delivering the answer through a channel.
 */
@Export
@Version("1.0.0")
package org.openpista.api.cron;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
