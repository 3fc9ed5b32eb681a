package io.chronon.sim.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations clients issued against the register, in any order. Operations the system definitely
 * did not perform are not part of a history; see the {@linkplain io.chronon.sim.check package
 * documentation}.
 *
 * @param operations each with a unique id; a client's operations with known outcome do not overlap
 *                   in time with its later ones
 */
public record History(List<Operation> operations) {

    public History {
        operations = List.copyOf(operations);
        Set<Integer> ids = new HashSet<>();
        Map<Integer, List<Operation>> byClient = new LinkedHashMap<>();
        for (Operation op : operations) {
            if (!ids.add(op.id())) {
                throw new IllegalArgumentException("two operations have id " + op.id());
            }
            byClient.computeIfAbsent(op.client(), _ -> new ArrayList<>()).add(op);
        }
        byClient.values().forEach(History::requireOneAtATime);
    }

    /**
     * A client that overlaps its own operations points to a broken recorder, and the checker would
     * otherwise silently treat those operations as concurrent. After an operation with unknown
     * outcome the client has given up waiting, so its next one may overlap it.
     */
    private static void requireOneAtATime(List<Operation> ofOneClient) {
        List<Operation> sorted = new ArrayList<>(ofOneClient);
        sorted.sort(Comparator.comparingLong(Operation::invokedAt).thenComparingLong(Operation::completedAt));
        for (int i = 1; i < sorted.size(); i++) {
            Operation before = sorted.get(i - 1);
            Operation after = sorted.get(i);
            if (before.outcomeKnown() && after.invokedAt() < before.completedAt()) {
                throw new IllegalArgumentException("client " + after.client() + " invoked " + after
                        + " before " + before + " completed");
            }
        }
    }

    /** The sub-history of each key, keys in order of first appearance, operations in history order. */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : operations) {
            byKey.computeIfAbsent(op.key(), _ -> new ArrayList<>()).add(op);
        }
        byKey.replaceAll((_, ops) -> List.copyOf(ops));
        return byKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Appends operations with ids 0, 1, 2, ... in the order they are added. */
    public static final class Builder {
        private final List<Operation> operations = new ArrayList<>();

        private Builder() {}

        public Builder add(int client, long invokedAt, long completedAt, Input input, Output output) {
            operations.add(new Operation(operations.size(), client, invokedAt, completedAt, input, output));
            return this;
        }

        public Builder put(int client, String key, String value, long invokedAt, long completedAt, String previous) {
            return add(client, invokedAt, completedAt, new Input.Put(key, value), new Output.Put(previous));
        }

        public Builder putUnknown(int client, String key, String value, long invokedAt) {
            return add(client, invokedAt, Operation.UNKNOWN, new Input.Put(key, value), null);
        }

        public Builder get(int client, String key, long invokedAt, long completedAt, String value) {
            return add(client, invokedAt, completedAt, new Input.Get(key), new Output.Get(value));
        }

        public Builder getUnknown(int client, String key, long invokedAt) {
            return add(client, invokedAt, Operation.UNKNOWN, new Input.Get(key), null);
        }

        public Builder cas(int client, String key, String expected, String value, long invokedAt, long completedAt,
                           boolean swapped, String current) {
            return add(client, invokedAt, completedAt, new Input.Cas(key, expected, value),
                    new Output.Cas(swapped, current));
        }

        public Builder casUnknown(int client, String key, String expected, String value, long invokedAt) {
            return add(client, invokedAt, Operation.UNKNOWN, new Input.Cas(key, expected, value), null);
        }

        public History build() {
            return new History(operations);
        }
    }
}
