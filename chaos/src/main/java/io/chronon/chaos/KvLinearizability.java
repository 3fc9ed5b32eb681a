package io.chronon.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.sim.check.Input;
import io.chronon.sim.check.LinearizabilityChecker;
import io.chronon.sim.check.Operation;
import io.chronon.sim.check.Output;
import io.chronon.sim.check.Verdict;
import io.chronon.testkit.History;

/**
 * The key-value history checked with the simulator's linearizability checker: failed operations
 * are left out (they did not happen), unknown and pending writes may have happened at any time after
 * their invocation, unknown reads are left out (a read changes nothing).
 */
final class KvLinearizability {
    static final String NAME = "linearizability (kv)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KvLinearizability() {
    }

    static CheckResult check(List<History.Operation> recorded, Duration timeout) {
        List<Operation> operations = toChecker(recorded);
        Verdict verdict = LinearizabilityChecker.check(new io.chronon.sim.check.History(operations), timeout);
        long known = operations.stream().filter(Operation::outcomeKnown).count();
        String counts = operations.size() + " operations checked (" + known + " answered, " + (operations.size() - known)
                + " unknown writes)";
        return verdict.isLinearizable() ? CheckResult.pass(NAME, counts)
                : CheckResult.anomaly(NAME, counts + ": " + verdict.explanation());
    }

    /** The recorded operations as the checker takes them. */
    static List<Operation> toChecker(List<History.Operation> recorded) {
        List<Operation> operations = new ArrayList<>();
        for (History.Operation operation : recorded) {
            History.Invoke invoke = operation.invoke();
            JsonNode input = parse(invoke.input());
            String key = input.path("key").asText();
            Input checked = switch (invoke.operation()) {
                case "put" -> new Input.Put(key, text(input.get("value")));
                case "cas" -> new Input.Cas(key, text(input.get("expected")), text(input.get("value")));
                case "get" -> new Input.Get(key);
                default -> throw new IllegalArgumentException("not a key-value operation: " + invoke);
            };
            int id = Math.toIntExact(invoke.op());
            switch (operation.completion()) {
                case History.Ok ok -> operations.add(new Operation(id, invoke.process(), invoke.nanos(), ok.nanos(),
                        checked, output(checked, parse(ok.output()))));
                case History.Fail fail -> {
                    // It did not happen: no part of the history.
                }
                case null, default -> {
                    if (!(checked instanceof Input.Get)) {
                        operations.add(new Operation(id, invoke.process(), invoke.nanos(), Operation.UNKNOWN, checked,
                                null));
                    }
                }
            }
        }
        return operations;
    }

    private static Output output(Input input, JsonNode result) {
        return switch (input) {
            case Input.Put put -> new Output.Put(text(result.get("previous")));
            case Input.Cas cas -> new Output.Cas(result.path("swapped").asBoolean(), text(result.get("current")));
            case Input.Get get -> new Output.Get(text(result.get("value")));
        };
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a recorded operation that is not JSON: " + json, e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
