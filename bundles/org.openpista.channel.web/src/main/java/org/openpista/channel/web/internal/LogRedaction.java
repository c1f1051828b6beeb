package org.openpista.channel.web.internal;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Keeps the web token and session tokens out of the log, including the DEBUG output of Jetty and
 * Felix HTTP ({@code --debug}), which writes every request URL ({@code /ws?token=…}) and dumps of
 * the buffers it reads and writes ({@code POST /auth} bodies, {@code auth} frames).
 *
 * <p>The daemon logs through java.util.logging (SLF4J's JDK binding). While this component is
 * active, records of the {@code org.eclipse.jetty} and {@code org.apache.felix.http} loggers go
 * through a handler that redacts {@code token=} and {@code session_token=} query parameters, JSON
 * {@code "token"} fields and the configured token itself, and leaves out buffer dumps, whose
 * contents are cut at arbitrary places (a token's tail carries no name to find it by); then they go
 * to the handlers of the root logger as before. With another logging back end nothing changes.
 *
 * <p>The launcher configures logging again when a command becomes the daemon ({@code web start}),
 * and {@code LogManager.reset()} removes and closes every handler: closing attaches this one again,
 * so Jetty's records never reach the log unredacted (without it they would not reach it at all).
 */
@Component(service = {}, immediate = true)
public final class LogRedaction {

    /** The loggers whose records may hold request URLs or raw request bytes. */
    static final List<String> LOGGERS = List.of("org.eclipse.jetty", "org.apache.felix.http");
    static final String REDACTED = "<redacted>";

    private static final Pattern QUERY = Pattern.compile("(?i)(\\b(?:session_)?token=)[^&\\s,;}\\]\"'#]*");
    private static final Pattern JSON = Pattern.compile("(?i)(\"(?:session_)?token\"\\s*:\\s*\")[^\"]*");
    /** How Jetty writes the contents of a buffer into a log line ({@code BufferUtil.toDetailString}). */
    private static final String BUFFER_DUMP = "<<<";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile WebChat chat;

    // strong references: java.util.logging forgets the configuration of loggers nobody holds
    private final List<Logger> loggers = LOGGERS.stream().map(Logger::getLogger).toList();
    private final List<Boolean> parentHandlers = loggers.stream().map(Logger::getUseParentHandlers).toList();
    private final Handler handler = new Redacting();
    private volatile boolean active = true;

    @Activate
    public LogRedaction() {
        attach();
    }

    private void attach() {
        for (Logger logger : loggers) {
            if (!List.of(logger.getHandlers()).contains(handler)) {
                logger.addHandler(handler);
            }
            logger.setUseParentHandlers(false);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(handler);
            loggers.get(i).setUseParentHandlers(parentHandlers.get(i));
        }
    }

    /**
     * @param text a log message
     * @param secret a secret that must not appear literally, or empty
     * @return the message with tokens redacted
     */
    static String redact(String text, String secret) {
        if (text == null) {
            return null;
        }
        String result = QUERY.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        result = JSON.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        if (secret != null && !secret.isEmpty()) {
            result = result.replace(secret, REDACTED);
        }
        return result;
    }

    /** @return whether the message holds a dump of a buffer's bytes, which no pattern can redact reliably */
    static boolean holdsBufferDump(String text) {
        return text != null && text.contains(BUFFER_DUMP);
    }

    /** Redacts a record and hands it to the root logger's handlers, as the logger's parent would. */
    private final class Redacting extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String message = formatter.formatMessage(record);
            if (holdsBufferDump(message)) {
                return;
            }
            WebChat serving = chat;
            String secret = serving == null ? "" : serving.settings().token();
            LogRecord copy = new LogRecord(record.getLevel(), redact(message, secret));
            copy.setLoggerName(record.getLoggerName());
            copy.setInstant(record.getInstant());
            copy.setSequenceNumber(record.getSequenceNumber());
            copy.setSourceClassName(record.getSourceClassName());
            copy.setSourceMethodName(record.getSourceMethodName());
            copy.setLongThreadID(record.getLongThreadID());
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                copy.setThrown(redacted(thrown, secret));
            }
            for (Handler target : Logger.getLogger("").getHandlers()) {
                target.publish(copy);
            }
        }

        private Throwable redacted(Throwable thrown, String secret) {
            String text = thrown.toString();
            String clean = redact(text, secret);
            if (clean.equals(text) && thrown.getCause() == null) {
                return thrown;
            }
            // the message may be a refused request line; the type and the stack trace stay
            Throwable copy = new RedactedThrowable(clean, thrown.getCause() == null ? null : redacted(thrown.getCause(), secret));
            copy.setStackTrace(thrown.getStackTrace());
            return copy;
        }

        @Override
        public void flush() {
            for (Handler target : Logger.getLogger("").getHandlers()) {
                target.flush();
            }
        }

        /** Called by {@code LogManager.reset()} after removing this handler: it goes back where it was. */
        @Override
        public void close() {
            if (active) {
                attach();
            }
        }
    }

    /** A logged exception whose text had to be redacted: reads like the original ({@code Type: message}). */
    private static final class RedactedThrowable extends Throwable {
        private static final long serialVersionUID = 1L;
        private final String text;

        RedactedThrowable(String text, Throwable cause) {
            super(text, cause, false, true);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
