package io.chronon.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Exactly once in PostgreSQL, counted in SQL: every applied transfer of the committed log has exactly
 * its two {@code bank_statement} rows (debit and credit), and no row belongs to anything else. The
 * outbox delivers after commit, so the check waits for the counts to settle first.
 */
final class ExactlyOnceRows {
    static final String NAME = "exactly-once rows in PostgreSQL";

    private ExactlyOnceRows() {
    }

    static CheckResult check(ChaosDatabase database, CommittedLog log, Duration settle) throws InterruptedException {
        Map<Long, Long> expected = new TreeMap<>();
        for (JsonNode entry : log.entries()) {
            if ("transfer".equals(entry.path("command").path("type").asText()) && entry.path("outcome").has("result")) {
                expected.put(entry.path("index").asLong(), 2L);
            }
        }
        long deadline = System.nanoTime() + settle.toNanos();
        Map<Long, Long> rows;
        do {
            rows = rowsPerIndex(database);
            if (rows.equals(expected)) {
                return CheckResult.pass(NAME, expected.size() + " applied transfers, " + 2L * expected.size()
                        + " rows, each index exactly twice");
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return CheckResult.anomaly(NAME, difference(expected, rows));
    }

    static String difference(Map<Long, Long> expected, Map<Long, Long> rows) {
        for (Map.Entry<Long, Long> transfer : expected.entrySet()) {
            long found = rows.getOrDefault(transfer.getKey(), 0L);
            if (found != transfer.getValue()) {
                return "the transfer at index " + transfer.getKey() + " has " + found + " rows, not 2 ("
                        + expected.size() + " transfers, " + rows.values().stream().mapToLong(Long::longValue).sum()
                        + " rows in all)";
            }
        }
        for (long index : rows.keySet()) {
            if (!expected.containsKey(index)) {
                return rows.get(index) + " rows for index " + index + ", which is no applied transfer";
            }
        }
        return "the rows match";
    }

    private static Map<Long, Long> rowsPerIndex(ChaosDatabase database) {
        Map<Long, Long> rows = new TreeMap<>();
        try (Connection connection = database.connect(); Statement query = connection.createStatement();
             ResultSet result = query.executeQuery("SELECT log_index, count(*) FROM bank_statement GROUP BY log_index")) {
            while (result.next()) {
                rows.put(result.getLong(1), result.getLong(2));
            }
        } catch (SQLException e) {
            // The table appears with the first delivery; until then there are no rows.
            if (!"42P01".equals(e.getSQLState())) {
                throw new IllegalStateException("cannot count the statement rows in " + database.name(), e);
            }
        }
        return rows;
    }
}
