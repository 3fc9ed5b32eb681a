package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exactly once in the machine's PostgreSQL with three node processes: every committed transfer has
 * exactly its two {@code bank_statement} rows, counted in SQL, whether primaries are killed at random
 * moments, or the primary halts between the
 * sink's commit and its acknowledgement (the next primary delivers again and the dedup claim
 * suppresses it), or a paused primary wakes up with a delivery of its old view after a new primary
 * fenced the sink (refused).
 */
class PostgresClusterIT {
    private static final String HALT_POINTS = "chronon.test.halt-points";

    private LocalCluster cluster;
    private String database;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            PostgresTestDatabase.drop(database);
        }
    }

    private LocalCluster cluster(String name, Map<String, String> properties) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("PostgresClusterIT seed " + seed);
        database = PostgresTestDatabase.create();
        Map<String, String> all = new HashMap<>(PostgresTestDatabase.nodeConfig(database));
        all.put(HaltPointIT.JOURNAL_TRANSFERS, "journal");
        all.putAll(properties);
        cluster = new LocalCluster(name, seed, all);
        return cluster;
    }

    /** Log indices of committed transfers whose statement does not have exactly two rows. */
    private List<Long> wrongStatements(List<Long> transfers) throws SQLException {
        List<Long> wrong = new ArrayList<>();
        try (Connection connection = PostgresTestDatabase.connect(database);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*), coalesce(sum(delta), 0) FROM bank_statement WHERE log_index = ?")) {
            for (long index : transfers) {
                query.setLong(1, index);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) != 2 || rows.getLong(2) != 0) {
                        wrong.add(index);
                    }
                }
            }
        }
        return wrong;
    }

    @Test
    void primariesHaltingBetweenTheSinksCommitAndTheAcknowledgementLeaveEachStatementOnce() throws Exception {
        LocalCluster nodes = cluster("pg-halt", Map.of(HALT_POINTS, "AFTER_SINK_COMMIT_BEFORE_ACK",
                "chronon.test.halt-sink", "statements"));
        nodes.startAll();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        LocalCluster.HaltRestarter restarter = nodes.restartHaltedNodes(failures);
        List<Long> transfers = nodes.depositThenTransfer("pg-a", "pg-b", 20);
        awaitTrue(() -> PostgresTestDatabase.statementRows(database) == 2L * transfers.size(), failures,
                "every transfer's statement in PostgreSQL");
        restarter.close();
        assertTrue(failures.isEmpty(), () -> "unexpected: " + failures.peek());
        assertTrue(!restarter.halted().isEmpty(),
                "at least one primary halted between the sink's commit and its acknowledgement");
        assertEquals(List.of(), wrongStatements(transfers), "transfers without exactly their two rows");
        assertEquals(2L * transfers.size(), PostgresTestDatabase.statementRows(database),
                "no row beyond the committed transfers'");
        assertTrue(cluster.logTails().contains("was already written to statements"),
                "a new primary delivered a halted primary's effect again and the claim suppressed it (logs of this"
                        + " cluster only: " + cluster.logDirectory() + ")");
    }

    @Test
    void primariesKilledAtRandomMomentsLeaveEachStatementOnce() throws Exception {
        LocalCluster nodes = cluster("pg-kill", Map.of());
        nodes.startAll();
        LocalCluster.PrimaryKiller killer = nodes.killPrimaryRepeatedly(3);
        List<Long> transfers = nodes.depositThenTransfer("pg-kill-a", "pg-kill-b", 60);
        killer.finish();
        awaitTrue(() -> PostgresTestDatabase.statementRows(database) == 2L * transfers.size(),
                new ConcurrentLinkedQueue<>(), "every transfer's statement in PostgreSQL");
        assertEquals(List.of(), wrongStatements(transfers), "transfers without exactly their two rows");
        assertEquals(2L * transfers.size(), PostgresTestDatabase.statementRows(database),
                "no row beyond the committed transfers'");
    }

    @Test
    void aPausedPrimarysLateDeliveryIsFencedOutByTheNewPrimary() throws Exception {
        LocalCluster nodes = cluster("pg-zombie", Map.of("chronon.test.effect-delay", "3s"));
        nodes.startAll();
        LocalCluster.PausedPrimary paused = nodes.transferThenPausePrimary("zombie-a", "zombie-b");
        int zombie = paused.zombie();
        int successor = paused.successor();
        long transfer = paused.transfer();
        awaitTrue(() -> PostgresTestDatabase.statementRows(database, transfer) == 2,
                new ConcurrentLinkedQueue<>(),
                "the new primary " + successor + " delivered the transfer's statement");
        nodes.node(zombie).resume();
        awaitTrue(() -> nodes.node(zombie).logTail(2_000).contains("refused a delivery of effect"),
                new ConcurrentLinkedQueue<>(), "the woken primary's delivery of its old view was refused (its log: "
                        + nodes.node(zombie).logFile() + ")");
        Thread.sleep(500);
        assertEquals(2, PostgresTestDatabase.statementRows(database, transfer), "nothing written twice");
        assertEquals(List.of(), wrongStatements(List.of(transfer)));
    }
}
