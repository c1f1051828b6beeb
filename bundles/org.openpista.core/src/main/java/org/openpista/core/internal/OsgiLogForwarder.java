package org.openpista.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the OSGi log to SLF4J. Declarative Services and other framework services report
 * problems (a component that fails to activate, a broken reference) to the OSGi log service;
 * without this relay they would go to standard error, which belongs to answers and one-line
 * errors, instead of the log file.
 */
@Component(immediate = true)
public class OsgiLogForwarder implements LogListener {

    private final LogReaderService reader;

    @Activate
    public OsgiLogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        // what was logged before this relay started (during start-up), oldest first
        List<LogEntry> earlier = new ArrayList<>();
        for (Enumeration<LogEntry> entries = reader.getLog(); entries.hasMoreElements(); ) {
            earlier.add(entries.nextElement());
        }
        Collections.reverse(earlier);
        earlier.forEach(this::logged);
        reader.addLogListener(this);
    }

    /**
     * The log service also records every bundle, service and framework event; they say nothing a
     * reader of the log needs unless they report a problem.
     */
    private static boolean isRoutineEvent(LogEntry entry) {
        String message = entry.getMessage() == null ? "" : entry.getMessage();
        boolean event = (entry.getLoggerName() != null && entry.getLoggerName().startsWith("Events."))
                || message.startsWith("ServiceEvent ") || message.startsWith("BundleEvent ")
                || message.startsWith("FrameworkEvent ");
        return event && entry.getException() == null
                && (entry.getLogLevel() == LogLevel.INFO || entry.getLogLevel() == LogLevel.DEBUG);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String name = entry.getLoggerName();
        if (isRoutineEvent(entry)) {
            return;
        }
        Logger log = LoggerFactory.getLogger(name == null || name.isEmpty() || name.equals("LogService")
                ? entry.getBundle() == null ? "osgi" : entry.getBundle().getSymbolicName()
                : name);
        String message = entry.getMessage();
        Throwable error = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> log.error(message, error);
            case WARN -> log.warn(message, error);
            case INFO -> log.info(message, error);
            case DEBUG -> log.debug(message, error);
            default -> log.trace(message, error);
        }
    }
}
