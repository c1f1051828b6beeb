package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes the log (SLF4J → java.util.logging) to rotating files in {@code $OPENPISTA_HOME/logs/}
 * and, at a chosen level, to standard error. Standard output is never used: it carries answers.
 */
final class LogSetup {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private LogSetup() {}

    /**
     * @param home the home whose logs folder receives the file log
     * @param fileLevel level of the file log ({@code info} unless {@code --log-level}/{@code --debug})
     * @param consoleLevel level shown on standard error, or {@code null} for none
     * @param debugFile whether to also write {@code $OPENPISTA_HOME/debug.log} at debug level
     */
    static void configure(Home home, Level fileLevel, Level consoleLevel, boolean debugFile) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level lowest = fileLevel;
        if (consoleLevel != null && consoleLevel.intValue() < lowest.intValue()) {
            lowest = consoleLevel;
        }
        if (debugFile) {
            lowest = Level.FINEST;
        }
        root.setLevel(lowest);
        if (consoleLevel != null) {
            ConsoleHandler console = new ConsoleHandler();
            console.setLevel(consoleLevel);
            console.setFormatter(new OneLine(false));
            root.addHandler(console);
        }
        try {
            Files.createDirectories(home.logs());
            root.addHandler(file(home.logs().resolve("openpista.%g.log"), fileLevel, 5 * 1024 * 1024, 5));
            if (debugFile) {
                root.addHandler(file(home.dir().resolve("debug.log"), Level.FINEST, 20 * 1024 * 1024, 1));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("openpista: warning: cannot write logs to " + home.logs() + ": " + e.getMessage());
        }
    }

    private static Handler file(Path pattern, Level level, int limit, int count) throws IOException {
        FileHandler handler = new HeldFileHandler(pattern.toString(), limit, count);
        handler.setLevel(level);
        handler.setFormatter(new OneLine(true));
        handler.setEncoding("UTF-8");
        return handler;
    }

    /**
     * Writes the records held since start-up with the file format chosen by then (a bundle such as
     * the logging bundle may have replaced the formatter), and every later record at once.
     */
    static void releaseHeldRecords() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler instanceof HeldFileHandler held) {
                held.release();
            }
        }
    }

    /**
     * A log file that holds its records until the framework has started: the file's format belongs
     * to whichever bundle sets it ({@code [log] format}), so the launcher's first lines wait for it
     * rather than being written in the default format. A bound on the held records and closing the
     * handler release them too, so nothing is lost when start-up never ends.
     */
    private static final class HeldFileHandler extends FileHandler {
        private static final int MAX_HELD = 2_000;
        private List<LogRecord> held = new ArrayList<>();

        HeldFileHandler(String pattern, int limit, int count) throws IOException {
            super(pattern, limit, count, true);
        }

        @Override
        public void publish(LogRecord record) {
            synchronized (this) {
                if (held != null) {
                    held.add(record);
                    if (held.size() < MAX_HELD) {
                        return;
                    }
                    release();
                    return;
                }
            }
            super.publish(record);
        }

        synchronized void release() {
            List<LogRecord> records = held;
            held = null;
            if (records != null) {
                records.forEach(super::publish);
                flush();
            }
        }

        @Override
        public synchronized void close() {
            release();
            super.close();
        }
    }

    /** Maps the names of {@code --log-level} to java.util.logging levels. */
    static Level parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.FINEST;
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            case "off" -> Level.OFF;
            default -> throw new IllegalArgumentException(
                    "unknown log level \"" + name + "\" (use trace, debug, info, warn or error)");
        };
    }

    /** One line per record (plus the stack trace, if any). */
    private static final class OneLine extends Formatter {
        private final boolean withTime;

        OneLine(boolean withTime) {
            this.withTime = withTime;
        }

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder();
            if (withTime) {
                line.append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
            }
            line.append(levelName(record.getLevel())).append(' ')
                    .append(shortName(record.getLoggerName())).append(": ")
                    .append(formatMessage(record)).append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String levelName(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (level.intValue() >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return level.intValue() >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }

        private static String shortName(String name) {
            if (name == null) {
                return "";
            }
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
