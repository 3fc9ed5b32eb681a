package io.chronon.chaos;

import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.client.ChrononClient;
import io.chronon.client.OutcomeUnknownException;
import io.chronon.client.RejectedException;
import io.chronon.client.StaleRequestException;
import io.chronon.client.UnavailableException;
import io.chronon.client.UnexpectedResponseException;
import io.chronon.testkit.History;

/**
 * Transfers between a few accounts of the bank, some of them overdrafts the application rejects,
 * and linearizable reads of every balance. Each transfer's input names the client's session id, so
 * the checkers can find it in the committed log; its output is the log index it committed at and
 * whether it was applied or rejected.
 */
final class BankWorkload extends ClientWorkload {
    static final int ACCOUNTS = 5;
    static final long OPENING_BALANCE = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The total the bank holds once every account is open; no transfer may change it. */
    static long total() {
        return ACCOUNTS * OPENING_BALANCE;
    }

    static String account(int number) {
        return "a" + number;
    }

    /** Opens every account with its opening balance (before any fault). */
    static void open(ChaosCluster cluster) throws InterruptedException {
        try (ChrononClient client = ChrononClient.builder().nodes(cluster.urls()).deadline(DEADLINE.multipliedBy(4))
                .build()) {
            for (int number = 0; number < ACCOUNTS; number++) {
                client.submit("{\"type\":\"deposit\",\"account\":\"" + account(number) + "\",\"amount\":"
                        + OPENING_BALANCE + "}");
            }
        }
    }

    @Override
    void operate(ChrononClient client, int process, Random random, History history) throws InterruptedException {
        if (random.nextInt(4) == 0) {
            History.Pending pending = history.invoke(process, "balances", null);
            try {
                pending.ok(client.query("{\"type\":\"balances\"}").result());
            } catch (UnavailableException notDone) {
                pending.fail(notDone.getMessage());
            } catch (OutcomeUnknownException | UnexpectedResponseException unknown) {
                pending.unknown(unknown.getMessage());
            }
            return;
        }
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        ObjectNode input = JSON.createObjectNode().put("client", client.clientId().toString())
                .put("from", account(from)).put("to", account(to)).put("amount", 1 + random.nextInt(150));
        History.Pending pending = history.invoke(process, "transfer", input.toString());
        ObjectNode command = JSON.createObjectNode().put("type", "transfer").put("from", account(from))
                .put("to", account(to)).put("amount", input.get("amount").asLong());
        try {
            long index = client.submit(command.toString()).index();
            pending.ok(JSON.createObjectNode().put("index", index).put("applied", true).toString());
        } catch (RejectedException rejected) {
            pending.ok(JSON.createObjectNode().put("index", rejected.index()).put("applied", false).toString());
        } catch (UnavailableException | StaleRequestException notDone) {
            pending.fail(notDone.getMessage());
        } catch (OutcomeUnknownException | UnexpectedResponseException unknown) {
            pending.unknown(unknown.getMessage());
        }
    }
}
