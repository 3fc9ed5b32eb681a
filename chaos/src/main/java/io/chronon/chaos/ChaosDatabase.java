package io.chronon.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.postgresql.Driver;

/**
 * A database of its own for one bank schedule, on the machine's PostgreSQL (127.0.0.1:5432, user
 * {@code postgres}, trust authentication), dropped afterwards. A missing PostgreSQL fails the run
 * and says so.
 */
record ChaosDatabase(String name) implements AutoCloseable {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";

    static ChaosDatabase create() {
        String name = "chronon_chaos_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("the bank workload needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust"
                    + " authentication): " + e.getMessage(), e);
        }
        return new ChaosDatabase(name);
    }

    private static Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return new Driver().connect(SERVER + database, properties);
    }

    Connection connect() throws SQLException {
        return connect(name);
    }

    /** What a node needs to write the bank's statements into this database. */
    Map<String, String> nodeConfig() {
        return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/" + name,
                "quarkus.datasource.username", USER);
    }

    @Override
    public void close() {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the chaos database " + name, e);
        }
    }
}
