package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogAgreementTest {
    private final LogEntries log = new LogEntries();

    @BeforeEach
    void threeEntries() {
        for (int i = 0; i < 3; i++) {
            log.add("6f1c5d1e-0000-4000-8000-000000000001", i + 1, "{\"type\":\"put\"}", "{\"result\":{}}");
        }
    }

    @Test
    void aChainedLogWithIncreasingConsensusTimePasses() {
        assertTrue(LogAgreement.chain(log.log()).passed());
    }

    @Test
    void consensusTimeGoingBackIsAnAnomaly() {
        log.get(2).put("timestamp", log.get(1).path("timestamp").asLong());
        CheckResult result = LogAgreement.chain(log.log());
        assertFalse(result.passed());
        assertTrue(result.detail().contains("consensus time goes back at entry 2"), result.detail());
    }

    @Test
    void anEntryThatDoesNotNameItsPredecessorsHashIsAnAnomaly() {
        log.get(1).put("previousHash", "forged");
        CheckResult result = LogAgreement.chain(log.log());
        assertFalse(result.passed());
        assertTrue(result.detail().contains("does not chain"), result.detail());
    }

    @Test
    void aGapInTheLogIsAnAnomaly() {
        log.get(2).put("index", 5);
        CheckResult result = LogAgreement.chain(log.log());
        assertFalse(result.passed());
        assertTrue(result.detail().contains("skips"), result.detail());
    }
}
