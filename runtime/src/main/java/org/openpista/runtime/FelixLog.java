package org.openpista.runtime;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;

/**
 * Sends the framework's own log to SLF4J instead of standard output, which belongs to the answer of
 * {@code openpista run}.
 */
final class FelixLog extends Logger {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

    FelixLog() {
        setLogLevel(LOG_WARNING);
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature Felix declares
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        String prefix = bundle == null ? "" : "[" + bundle.getSymbolicName() + "] ";
        doLog(level, prefix + msg, throwable);
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        switch (level) {
            case LOG_ERROR -> LOG.error(msg, throwable);
            case LOG_WARNING -> LOG.warn(msg, throwable);
            case LOG_INFO -> LOG.info(msg, throwable);
            default -> LOG.debug(msg, throwable);
        }
    }
}
