package org.openpista.upgrade.internal;

import java.nio.file.Path;

/**
 * The files of a home that an upgrade migrates and a rollback restores.
 *
 * @param home the openpista home
 * @param config its {@code config.toml} (or the file given with {@code --config})
 * @param credentials {@code credentials.toml}: the stored logins
 * @param database the conversation memory ({@code [database] url})
 */
record HomeFiles(Path home, Path config, Path credentials, Path database) {

    /** @return where snapshots are kept */
    Path backups() {
        return home.resolve("backups");
    }

    /** @return the daemon's PID file, locked while it runs */
    Path pidFile() {
        return home.resolve("openpista.pid");
    }

    /** @return which distribution last used this home ({@link HomeRecord}) */
    Path record() {
        return home.resolve("upgrade.properties");
    }
}
