package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/** Small helpers: a raw connection to look under the store. */
final class TestDatabases {

    private TestDatabases() {}

    /** @return a plain connection to the file, for checks the API does not expose */
    static Connection raw(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(5000);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    static long queryLong(Path file, String sql) throws SQLException {
        try (Connection connection = raw(file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static String queryString(Path file, String sql) throws SQLException {
        try (Connection connection = raw(file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void execute(Path file, String... sql) throws SQLException {
        try (Connection connection = raw(file); Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }
}
