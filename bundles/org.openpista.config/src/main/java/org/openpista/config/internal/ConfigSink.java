package org.openpista.config.internal;

import java.io.IOException;
import java.util.Map;

/**
 * Where loaded configurations go: Configuration Admin in the running framework
 * ({@link ConfigAdminSink}), a map in tests.
 */
interface ConfigSink {

    /**
     * Makes the configurations this bundle manages exactly these: creates or updates each one
     * (leaving unchanged ones alone, so their components are not restarted) and deletes the ones it
     * pushed earlier that are no longer wanted, such as the factory configuration of a provider that
     * is no longer selected.
     *
     * @param configurations PID, or {@code factoryPid~name} for a named factory configuration, to
     *     properties
     * @throws IOException when the configurations cannot be stored
     */
    void apply(Map<String, Map<String, Object>> configurations) throws IOException;
}
