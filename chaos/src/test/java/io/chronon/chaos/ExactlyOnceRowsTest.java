package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exactly-once check against the machine's PostgreSQL, in a database of its own. */
class ExactlyOnceRowsTest {
    private static final String APPLIED = "{\"result\":{}}";
    private final LogEntries log = new LogEntries();
    private ChaosDatabase database;

    @BeforeEach
    void twoTransfersAndADeposit() throws Exception {
        database = ChaosDatabase.create();
        String client = "6f1c5d1e-0000-4000-8000-000000000001";
        log.add(client, 1, "{\"type\":\"deposit\",\"account\":\"a0\",\"amount\":10}", APPLIED);
        log.add(client, 2, "{\"type\":\"transfer\",\"from\":\"a0\",\"to\":\"a1\",\"amount\":1}", APPLIED);
        log.add(client, 3, "{\"type\":\"transfer\",\"from\":\"a0\",\"to\":\"a1\",\"amount\":99}",
                "{\"rejection\":{\"code\":\"insufficient-funds\"}}");
        log.add(client, 4, "{\"type\":\"transfer\",\"from\":\"a1\",\"to\":\"a0\",\"amount\":1}", APPLIED);
        sql("CREATE TABLE bank_statement (effect_id text, log_index bigint, account text, delta bigint,"
                + " PRIMARY KEY (effect_id, account))");
    }

    @AfterEach
    void drop() {
        database.close();
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = database.connect(); Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private CheckResult check() throws InterruptedException {
        return ExactlyOnceRows.check(database, log.log(), Duration.ofMillis(300));
    }

    @Test
    void twoRowsForEachAppliedTransferPass() throws Exception {
        sql("INSERT INTO bank_statement VALUES ('e1','1','a0',-1),('e1','1','a1',1),('e3','3','a1',-1),('e3','3','a0',1)");
        CheckResult result = check();
        assertTrue(result.passed(), result.detail());
    }

    @Test
    void aTransferWithoutItsRowsIsAnAnomaly() throws Exception {
        sql("INSERT INTO bank_statement VALUES ('e1','1','a0',-1),('e1','1','a1',1)");
        CheckResult result = check();
        assertFalse(result.passed());
        assertTrue(result.detail().contains("index 3 has 0 rows"), result.detail());
    }

    @Test
    void anEffectWrittenTwiceUnderAnotherIdIsAnAnomaly() throws Exception {
        sql("INSERT INTO bank_statement VALUES ('e1','1','a0',-1),('e1','1','a1',1),('e1-again','1','a0',-1),"
                + "('e1-again','1','a1',1),('e3','3','a1',-1),('e3','3','a0',1)");
        CheckResult result = check();
        assertFalse(result.passed());
        assertTrue(result.detail().contains("index 1 has 4 rows"), result.detail());
    }

    @Test
    void rowsOfARejectedTransferAreAnAnomaly() throws Exception {
        sql("INSERT INTO bank_statement VALUES ('e1','1','a0',-1),('e1','1','a1',1),('e3','3','a1',-1),('e3','3','a0',1),"
                + "('e2','2','a0',-99)");
        CheckResult result = check();
        assertFalse(result.passed());
        assertTrue(result.detail().contains("which is no applied transfer"), result.detail());
    }
}
