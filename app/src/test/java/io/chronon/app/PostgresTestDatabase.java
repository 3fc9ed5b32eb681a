package io.chronon.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.postgresql.Driver;

/**
 * A database of its own for this test run, on the machine's PostgreSQL (127.0.0.1:5432, user
 * {@code postgres}, trust authentication), dropped afterwards. A missing PostgreSQL fails the tests
 * and says so; they never skip.
 */
public class PostgresTestDatabase implements QuarkusTestResourceLifecycleManager {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String USER = "postgres";
    private static String database;

    /**
     * A connection to {@code database} through the driver itself: with Quarkus test profiles the
     * resource runs in class loaders that DriverManager does not look into.
     */
    static Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return new Driver().connect(SERVER + database, properties);
    }

    /** The database of this run's Quarkus tests. */
    static String database() {
        return database;
    }

    /** Rows of {@code bank_statement} in {@code database}. */
    static long statementRows(String database) throws SQLException {
        return count(database, "SELECT count(*) FROM bank_statement", null);
    }

    /** Rows of {@code bank_statement} in {@code database} for the transfer at log index {@code index}. */
    static long statementRows(String database, long index) throws SQLException {
        return count(database, "SELECT count(*) FROM bank_statement WHERE log_index = ?", index);
    }

    private static long count(String database, String sql, Long parameter) throws SQLException {
        try (Connection connection = connect(database); PreparedStatement query = connection.prepareStatement(sql)) {
            if (parameter != null) {
                query.setLong(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Creates a database of its own for a test; returns its name. */
    static String create() {
        String name = "chronon_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("the tests need PostgreSQL on 127.0.0.1:5432 (user postgres, trust"
                    + " authentication): " + e.getMessage(), e);
        }
        return name;
    }

    static void drop(String name) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the test database " + name, e);
        }
    }

    /** The node's configuration for a database of {@link #create}. */
    static Map<String, String> nodeConfig(String name) {
        return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/" + name,
                "quarkus.datasource.username", USER);
    }

    @Override
    public Map<String, String> start() {
        database = create();
        return nodeConfig(database);
    }

    @Override
    public void stop() {
        drop(database);
    }
}
