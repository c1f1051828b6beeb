package org.openpista.api.admin;

import java.io.IOException;
import java.util.OptionalLong;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running daemon of this home as another process sees it, through its admin socket
 * ({@code $OPENPISTA_HOME/admin.sock}): for commands that show or change the live state
 * ({@code openpista telegram status}, {@code openpista whatsapp send}).
 */
@ProviderType
public interface DaemonClient {

    /** @return the PID of the daemon that runs for this home, if one does */
    OptionalLong running();

    /**
     * Runs one admin shell command line in the daemon, for example {@code openpista:channels}.
     *
     * @param commandLine a Gogo command line
     * @return what the command printed on its standard output
     * @throws IOException when no daemon answers, or with the command's error output when it failed
     */
    String execute(String commandLine) throws IOException;
}
