package org.openpista.service.internal;

import java.nio.file.Path;

/**
 * What a service runs: {@code EXECUTABLE --home HOME start --foreground}, with the variables of an
 * optional environment file (provider keys, tokens) on top of the service manager's own.
 *
 * @param name the unit's or agent's name ({@code openpista}: {@code openpista.service})
 * @param executable the distribution's {@code bin/openpista}
 * @param home the openpista home the daemon runs for
 * @param environmentFile {@code KEY=value} lines read at each start, if it exists
 */
record ServiceDefinition(String name, Path executable, Path home, Path environmentFile) {

    ServiceDefinition {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("a service name is letters, digits, '.', '_' and '-', not '" + name + "'");
        }
    }
}
