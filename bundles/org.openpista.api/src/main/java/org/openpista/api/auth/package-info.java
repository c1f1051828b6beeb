/**
 * Provider logins and stored credentials. {@link org.openpista.api.auth.AuthService} lists which
 * providers can be used and runs logins (OAuth in the browser, device codes, API keys) for the
 * command line and the channels; {@link org.openpista.api.auth.CredentialStore} hands providers the
 * current credential of a login, refreshed before it expires. Credentials live in
 * {@code $OPENPISTA_HOME/credentials.toml}; secrets never appear in logs, messages or
 * {@code toString()}.
 */
@Export
@Version("1.0.0")
package org.openpista.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
