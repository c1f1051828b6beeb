/**
 * What openpista's commands that talk to a person at a terminal share: {@link
 * org.openpista.terminal.Terminal} (whether there is one, its width, key-by-key mode restored on exit,
 * secrets read without echo), {@link org.openpista.terminal.KeyReader} (the bytes of a key, escape
 * sequences included, as one key) and {@link org.openpista.terminal.Picker} (one question answered by
 * choosing from a list: arrow keys and type-to-search on a terminal, a numbered list on a pipe).
 *
 * <p>It lives in a bundle of its own rather than in one of its users ({@code openpista auth login},
 * {@code openpista onboard}, a terminal UI), so that none of them depends on another for it. It
 * needs nothing but the JDK and {@code stty}/{@code test} on the path, and does nothing until called.
 */
@Export
@Version("1.0.0")
package org.openpista.terminal;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
