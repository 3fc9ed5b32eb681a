package io.chronon.sim.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Histories that are linearizable by construction: clients issue operations one at a time against a
 * sequential register, and each operation takes effect at a random instant of its interval. Some are
 * recorded with unknown outcome; of those, half never take effect and the rest take effect at a random
 * instant after their invocation, possibly long after the client gave up on them.
 */
final class RandomHistories {
    /** A value that no generated operation ever writes. */
    static final String NEVER_WRITTEN = "never-written";

    /**
     * @param distinctValues how many values writes choose from; 0 for a fresh value on every write, as
     *                       Jepsen recommends, which makes histories easy to check
     */
    record Shape(int clients, int operations, List<String> keys, int distinctValues, double unknownRate) {}

    private RandomHistories() {}

    private static final class Draft {
        int client;
        long invokedAt;
        long completedAt;
        Input input;
        Output output;
        /** When it took effect, or {@link Long#MAX_VALUE} if it never did. */
        long effectAt;
        int sequence;
    }

    static History generate(Random random, Shape shape) {
        List<Draft> drafts = new ArrayList<>();
        int perClient = (shape.operations() + shape.clients() - 1) / shape.clients();
        for (int client = 0; client < shape.clients(); client++) {
            long time = random.nextInt(10);
            for (int i = 0; i < perClient && drafts.size() < shape.operations(); i++) {
                Draft draft = new Draft();
                draft.client = client;
                draft.sequence = drafts.size();
                // Zero think time often: ties between one completion and the next invocation must be handled.
                draft.invokedAt = time + random.nextInt(3);
                long duration = 1 + random.nextInt(40);
                draft.completedAt = draft.invokedAt + duration;
                draft.input = input(random, shape, drafts.size());
                if (random.nextDouble() < shape.unknownRate()) {
                    draft.effectAt = random.nextBoolean()
                            ? Long.MAX_VALUE
                            : draft.invokedAt + random.nextLong(duration * 20 + 1);
                    draft.completedAt = Operation.UNKNOWN;
                    time = draft.invokedAt + duration;
                } else {
                    draft.effectAt = draft.invokedAt + random.nextLong(duration + 1);
                    time = draft.completedAt;
                }
                drafts.add(draft);
            }
        }
        List<Draft> byEffect = new ArrayList<>(drafts);
        byEffect.sort(Comparator.<Draft>comparingLong(d -> d.effectAt).thenComparingInt(d -> d.sequence));
        Map<String, String> register = new HashMap<>();
        for (Draft draft : byEffect) {
            if (draft.effectAt == Long.MAX_VALUE) {
                break;
            }
            Output output = apply(register, draft.input);
            if (draft.completedAt != Operation.UNKNOWN) {
                draft.output = output;
            }
        }
        // The checker must not depend on the order a history lists its operations in.
        Collections.shuffle(drafts, random);
        History.Builder builder = History.builder();
        for (Draft draft : drafts) {
            builder.add(draft.client, draft.invokedAt, draft.completedAt, draft.input, draft.output);
        }
        return builder.build();
    }

    private static Input input(Random random, Shape shape, int sequence) {
        String key = shape.keys().get(random.nextInt(shape.keys().size()));
        int dice = random.nextInt(100);
        if (dice < 40) {
            return new Input.Get(key);
        }
        String value = shape.distinctValues() == 0
                ? "v" + sequence
                : random.nextInt(20) == 0 ? null : "v" + random.nextInt(shape.distinctValues());
        if (dice < 75) {
            return new Input.Put(key, value);
        }
        int range = shape.distinctValues() == 0 ? Math.max(1, sequence) : shape.distinctValues();
        String expected = random.nextInt(5) == 0 ? null : "v" + random.nextInt(range);
        return new Input.Cas(key, expected, value);
    }

    /** A sequential register: the ground truth, written independently of the checker's model. */
    static Output apply(Map<String, String> register, Input input) {
        return switch (input) {
            case Input.Put(String key, String value) -> new Output.Put(value == null
                    ? register.remove(key)
                    : register.put(key, value));
            case Input.Get(String key) -> new Output.Get(register.get(key));
            case Input.Cas(String key, String expected, String value) -> {
                String current = register.get(key);
                if (!Objects.equals(current, expected)) {
                    yield new Output.Cas(false, current);
                }
                if (value == null) {
                    register.remove(key);
                } else {
                    register.put(key, value);
                }
                yield new Output.Cas(true, value);
            }
        };
    }

    /** {@code history} with the output of {@code victim} replaced by one that mentions a value never written. */
    static History corrupt(History history, Operation victim) {
        Output wrong = switch (victim.output()) {
            case Output.Put _ -> new Output.Put(NEVER_WRITTEN);
            case Output.Get _ -> new Output.Get(NEVER_WRITTEN);
            case Output.Cas(boolean swapped, String _) -> new Output.Cas(swapped, NEVER_WRITTEN);
        };
        List<Operation> operations = new ArrayList<>(history.operations());
        operations.replaceAll(op -> op.id() != victim.id() ? op
                : new Operation(op.id(), op.client(), op.invokedAt(), op.completedAt(), op.input(), wrong));
        return new History(operations);
    }
}
