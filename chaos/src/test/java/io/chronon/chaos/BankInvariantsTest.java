package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.History;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BankInvariantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "6f1c5d1e-0000-4000-8000-000000000001";
    private static final String OPENER = "6f1c5d1e-0000-4000-8000-000000000002";
    private static final String APPLIED = "{\"result\":{}}";
    private final LogEntries log = new LogEntries();
    private final History history = new History();

    @BeforeEach
    void openTheBankAndMoveMoney() {
        for (int account = 0; account < BankWorkload.ACCOUNTS; account++) {
            log.add(OPENER, account + 1, "{\"type\":\"deposit\",\"account\":\"a" + account + "\",\"amount\":1000}", APPLIED);
        }
        log.add(CLIENT, 1, transfer("a0", "a1", 100), APPLIED);
        log.add(CLIENT, 2, transfer("a2", "a3", 5000), "{\"rejection\":{\"code\":\"insufficient-funds\"}}");
        history.invoke(0, "transfer", input("a0", "a1", 100)).ok("{\"index\":5,\"applied\":true}");
        history.invoke(0, "transfer", input("a2", "a3", 5000)).ok("{\"index\":6,\"applied\":false}");
        history.invoke(1, "balances", null).ok(balances(900, 1100, 1000, 1000, 1000));
        // The transfer's effects acknowledged: kernel entries, with null where a command has its session.
        log.addKernel("effect done");
        log.addKernel("effect done");
    }

    private static String transfer(String from, String to, long amount) {
        return "{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}";
    }

    private static String input(String from, String to, long amount) {
        return "{\"client\":\"" + CLIENT + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}";
    }

    private static String balances(long... amounts) {
        StringBuilder json = new StringBuilder("{\"balances\":{");
        for (int i = 0; i < amounts.length; i++) {
            json.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":").append(amounts[i]);
        }
        return json.append("}}").toString();
    }

    private CheckResult check(String finalBalances) throws Exception {
        JsonNode balances = JSON.readTree(finalBalances);
        return BankInvariants.check(history.operations(), log.log(), balances);
    }

    @Test
    void aRunThatKeepsEveryInvariantPasses() throws Exception {
        CheckResult result = check(balances(900, 1100, 1000, 1000, 1000));
        assertTrue(result.passed(), result.detail());
    }

    @Test
    void aReadWhereMoneyAppearedOrVanishedIsAnAnomaly() throws Exception {
        history.invoke(2, "balances", null).ok(balances(900, 1100, 1000, 1000, 999));
        CheckResult result = check(balances(900, 1100, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("add up to 4999"), result.detail());
    }

    @Test
    void aNegativeBalanceIsAnAnomalyEvenWhenTheSumIsRight() throws Exception {
        CheckResult result = check(balances(-100, 2100, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("negative"), result.detail());
    }

    @Test
    void anAcknowledgedTransferMissingFromTheLogIsLost() throws Exception {
        history.invoke(3, "transfer", input("a1", "a0", 1)).ok("{\"index\":99,\"applied\":true}");
        CheckResult result = check(balances(900, 1100, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("lost"), result.detail());
    }

    @Test
    void anAcknowledgementThatDisagreesWithTheLoggedOutcomeIsAnAnomaly() throws Exception {
        history.invoke(3, "transfer", input("a2", "a3", 5000)).ok("{\"index\":6,\"applied\":true}");
        CheckResult result = check(balances(900, 1100, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("acknowledged as applied"), result.detail());
    }

    @Test
    void aRequestAppliedTwiceIsAnAnomaly() throws Exception {
        log.add(CLIENT, 1, transfer("a0", "a1", 100), APPLIED);
        CheckResult result = check(balances(800, 1200, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("applied twice"), result.detail());
    }

    @Test
    void finalBalancesThatTheLogDoesNotGiveAreAnAnomaly() throws Exception {
        CheckResult result = check(balances(1000, 1000, 1000, 1000, 1000));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("not what the committed log gives"), result.detail());
    }

    @Test
    void replayCountsOnlyAppliedMoneyMovements() {
        assertTrue(BankInvariants.replay(log.log()).equals(java.util.Map.of("a0", 900L, "a1", 1100L, "a2", 1000L,
                "a3", 1000L, "a4", 1000L)), BankInvariants.replay(log.log()).toString());
        assertTrue(List.of(log.get(6)).getFirst().path("outcome").has("rejection"));
    }
}
