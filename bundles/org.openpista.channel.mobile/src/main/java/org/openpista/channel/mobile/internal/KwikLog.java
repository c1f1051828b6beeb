package org.openpista.channel.mobile.internal;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.log.BaseLogger;

/**
 * kwik's log into SLF4J: its errors as warnings, everything else at debug level. kwik's packet,
 * secret and raw-byte logging stay off; only its debug, warning and info lines are enabled, and only
 * when this logger's debug level is.
 */
final class KwikLog extends BaseLogger {

    private static final Logger LOG = LoggerFactory.getLogger("org.openpista.channel.mobile.kwik");

    KwikLog() {
        boolean debug = LOG.isDebugEnabled();
        logDebug(debug);
        logInfo(debug);
        logWarning(debug);
    }

    @Override
    public void error(String message) {
        // without a cause these are a peer's misbehaviour or kwik's bookkeeping ("Removed connection ... that is
        // not closed" at every shutdown), not the server's failures
        LOG.debug("QUIC: {}", message);
    }

    @Override
    public void error(String message, Throwable error) {
        LOG.warn("QUIC: {}", message, error);
    }

    @Override
    protected void log(String message) {
        LOG.debug(message);
    }

    @Override
    protected void log(String message, Throwable ex) {
        LOG.debug(message, ex);
    }

    @Override
    protected void logWithHexDump(String message, byte[] data, int length) {
        LOG.debug(message);
    }

    @Override
    protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        LOG.debug(message);
    }
}
