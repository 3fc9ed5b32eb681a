package io.chronon.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.History;

/**
 * The bank's invariants over a run: money is conserved and no balance is negative in every read and
 * at the end; the final balances are exactly what the committed log's deposits and transfers give;
 * every acknowledged transfer is in the committed log at the index it was acknowledged with, as the
 * same client's same transfer with the same outcome; and no client request was applied twice.
 */
final class BankInvariants {
    static final String NAME = "bank invariants";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BankInvariants() {
    }

    static CheckResult check(List<History.Operation> operations, CommittedLog log, JsonNode finalBalances) {
        long reads = 0;
        long acknowledged = 0;
        for (History.Operation operation : operations) {
            if (!(operation.completion() instanceof History.Ok ok)) {
                continue;
            }
            if (operation.invoke().operation().equals("balances")) {
                String problem = conserved(parse(ok.output()).path("balances"));
                if (problem != null) {
                    return CheckResult.anomaly(NAME, "read " + operation.invoke().op() + " (process "
                            + operation.invoke().process() + "): " + problem);
                }
                reads++;
            } else {
                String problem = inLog(parse(operation.invoke().input()), parse(ok.output()), log);
                if (problem != null) {
                    return CheckResult.anomaly(NAME, "transfer " + operation.invoke().op() + " (process "
                            + operation.invoke().process() + "): " + problem);
                }
                acknowledged++;
            }
        }
        String problem = conserved(finalBalances.path("balances"));
        if (problem != null) {
            return CheckResult.anomaly(NAME, "the final balances: " + problem);
        }
        problem = appliedOnce(log);
        if (problem != null) {
            return CheckResult.anomaly(NAME, problem);
        }
        if (log.firstIndex() != 0) {
            return CheckResult.anomaly(NAME, "the log starts at " + log.firstIndex() + ", so the final balances cannot"
                    + " be recomputed from genesis (raise chronon.history.retain-entries)");
        }
        Map<String, Long> replayed = replay(log);
        Map<String, Long> reported = new HashMap<>();
        finalBalances.path("balances").properties().forEach(e -> reported.put(e.getKey(), e.getValue().asLong()));
        replayed.values().removeIf(balance -> balance == 0);
        reported.values().removeIf(balance -> balance == 0);
        if (!replayed.equals(reported)) {
            return CheckResult.anomaly(NAME, "the final balances " + reported + " are not what the committed log gives "
                    + replayed);
        }
        return CheckResult.pass(NAME, reads + " reads and the final balances conserve " + BankWorkload.total() + "; "
                + acknowledged + " acknowledged transfers found in the log; final balances = replay of "
                + log.entries().size() + " entries");
    }

    /** Null if the balances add up to the bank's total and none is negative, else what is wrong. */
    static String conserved(JsonNode balances) {
        long sum = 0;
        for (Map.Entry<String, JsonNode> account : balances.properties()) {
            if (account.getValue().asLong() < 0) {
                return "account " + account.getKey() + " is negative: " + account.getValue();
            }
            sum += account.getValue().asLong();
        }
        return sum == BankWorkload.total() ? null : "the balances add up to " + sum + ", not " + BankWorkload.total()
                + ": " + balances;
    }

    /** Null if the acknowledged transfer is in the log as acknowledged, else what is wrong. */
    private static String inLog(JsonNode input, JsonNode output, CommittedLog log) {
        long index = output.path("index").asLong();
        JsonNode entry = log.at(index);
        if (entry == null) {
            return "acknowledged at index " + index + ", which is not in the committed log (lost)";
        }
        JsonNode command = entry.path("command");
        boolean same = input.path("client").asText().equals(entry.path("clientId").asText())
                && "transfer".equals(command.path("type").asText())
                && input.path("from").asText().equals(command.path("from").asText())
                && input.path("to").asText().equals(command.path("to").asText())
                && input.path("amount").asLong() == command.path("amount").asLong();
        if (!same) {
            return "acknowledged at index " + index + ", where the log holds another command: " + entry;
        }
        boolean applied = entry.path("outcome").has("result");
        if (applied != output.path("applied").asBoolean()) {
            return "acknowledged as " + (output.path("applied").asBoolean() ? "applied" : "rejected")
                    + " but the log says " + entry.path("outcome");
        }
        return null;
    }

    /** Null if no client request number appears twice among the applied commands, else which did. */
    private static String appliedOnce(CommittedLog log) {
        Set<String> seen = new HashSet<>();
        for (JsonNode entry : log.entries()) {
            // Only commands sent with a session have a request number to repeat: kernel entries and
            // commands without a session carry null in clientId.
            if (entry.path("command").isObject() && entry.path("clientId").isTextual()
                    && !entry.path("duplicate").asBoolean()) {
                String request = entry.path("clientId").asText() + "#" + entry.path("requestNumber").asLong();
                if (!seen.add(request)) {
                    return "request " + request + " was applied twice (again at index " + entry.path("index") + ")";
                }
            }
        }
        return null;
    }

    /** The balances the committed log's applied deposits and transfers give. */
    static Map<String, Long> replay(CommittedLog log) {
        Map<String, Long> balances = new HashMap<>();
        for (JsonNode entry : log.entries()) {
            if (!entry.path("outcome").has("result")) {
                continue;
            }
            JsonNode command = entry.path("command");
            long amount = command.path("amount").asLong();
            switch (command.path("type").asText()) {
                case "deposit" -> balances.merge(command.path("account").asText(), amount, Long::sum);
                case "withdraw" -> balances.merge(command.path("account").asText(), -amount, Long::sum);
                case "transfer" -> {
                    balances.merge(command.path("from").asText(), -amount, Long::sum);
                    balances.merge(command.path("to").asText(), amount, Long::sum);
                }
                default -> {
                    // Not a bank command that moves money.
                }
            }
        }
        return balances;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("recorded JSON that does not parse: " + json, e);
        }
    }
}
