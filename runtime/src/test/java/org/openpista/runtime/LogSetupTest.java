package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSetupTest {

    @TempDir
    Path dir;

    @AfterEach
    void resetLog() {
        LogManager.getLogManager().reset();
    }

    @Test
    void startUpRecordsWaitForTheFormatChosenWhileTheFrameworkStarted() throws Exception {
        LogSetup.configure(new Home(dir, dir.resolve("config.toml")), Level.INFO, null, false);
        Path file = dir.resolve("logs/openpista.0.log");
        Logger.getLogger("org.openpista.runtime.Main").info("starting");

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).as("held until the framework started").isEmpty();

        // what the logging bundle does for [log] format = "json"
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler instanceof FileHandler) {
                handler.setFormatter(new Formatter() {
                    @Override
                    public String format(LogRecord record) {
                        return "{\"msg\":\"" + record.getMessage() + "\"}\n";
                    }
                });
            }
        }
        LogSetup.releaseHeldRecords();
        Logger.getLogger("org.openpista.core").info("ready");

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .containsExactly("{\"msg\":\"starting\"}", "{\"msg\":\"ready\"}");
    }

    @Test
    void closingTheLogWritesWhatIsStillHeld() throws Exception {
        LogSetup.configure(new Home(dir, dir.resolve("config.toml")), Level.INFO, null, false);
        Logger.getLogger("org.openpista.runtime.Main").warning("the framework did not start");

        LogManager.getLogManager().reset();

        assertThat(Files.readString(dir.resolve("logs/openpista.0.log"), StandardCharsets.UTF_8))
                .contains("WARN  Main: the framework did not start");
    }
}
