/**
 * The model the agent uses, chosen at runtime: channels list the models of the current provider
 * and switch provider and model while the daemon runs (the web UI's {@code model_list_request} and
 * {@code model_change} frames, the {@code model} command).
 */
@Export
@Version("1.0.0")
package org.openpista.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
