/**
 * Command-line verbs contributed by bundles: {@code openpista <name> <verb> ...} is dispatched to
 * the {@link org.openpista.api.command.CliCommand} service registered under that name, so a
 * bundle (built-in or a plugin) brings its own commands and the launcher knows none of them.
 */
@Export
@Version("1.1.0")
package org.openpista.api.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
