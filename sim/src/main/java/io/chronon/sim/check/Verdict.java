package io.chronon.sim.check;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@link LinearizabilityChecker#check}. Only {@link Linearizable} is a pass: callers must
 * treat {@link Timeout} as a failure too, because it means the history was not shown to be linearizable.
 */
public sealed interface Verdict {

    /** True for {@link Linearizable} only; in particular false for {@link Timeout}. */
    default boolean isLinearizable() {
        return this instanceof Linearizable;
    }

    /** A readable account of the verdict, for test output and logs. */
    String explanation();

    /**
     * Every key's sub-history is linearizable.
     *
     * @param linearizations for each key, an order in which its operations could have taken effect.
     *                       It holds the operations with unknown outcome that take effect in it; those
     *                       left out took effect after everything else, or never.
     */
    record Linearizable(Map<String, List<Operation>> linearizations) implements Verdict {
        public Linearizable {
            linearizations = Collections.unmodifiableMap(new LinkedHashMap<>(linearizations));
        }

        @Override
        public String explanation() {
            int operations = linearizations.values().stream().mapToInt(List::size).sum();
            return "Linearizable: " + linearizations.size() + " keys, " + operations
                    + " operations took effect in a legal order.";
        }
    }

    /**
     * No order of the operations on {@code key} both respects real time and is legal for a register. The
     * search got furthest after taking effect in the order {@code prefix}, which left the key at
     * {@code valueAfterPrefix}. Then {@code overdue} had completed, so it must have taken effect already,
     * but none of {@code candidates} with known outcome (the operations invoked by then and not yet in the
     * prefix, which include {@code overdue}) could take effect next at that value, not even after some of
     * the candidates with unknown outcome took effect first.
     *
     * @param operations the key's sub-history as checked, by invocation: gets with unknown outcome, which
     *                   constrain nothing, are left out
     */
    record NotLinearizable(String key, List<Operation> operations, List<Operation> prefix, String valueAfterPrefix,
                           Operation overdue, List<Operation> candidates) implements Verdict {
        private static final int PREFIX_SHOWN = 20;

        public NotLinearizable {
            operations = List.copyOf(operations);
            prefix = List.copyOf(prefix);
            candidates = List.copyOf(candidates);
        }

        @Override
        public String explanation() {
            StringBuilder text = new StringBuilder();
            text.append("Key ").append(Operation.quote(key)).append(" is not linearizable (")
                    .append(operations.size()).append(" operations on the key).\n");
            if (prefix.isEmpty()) {
                text.append("No operation can take effect first; the key starts absent.\n");
            } else {
                text.append("The longest linearizable prefix found has ").append(prefix.size())
                        .append(" operations, in the order they took effect:\n");
                if (prefix.size() > PREFIX_SHOWN) {
                    text.append("  ... ").append(prefix.size() - PREFIX_SHOWN).append(" earlier operations\n");
                }
                for (Operation op : prefix.subList(Math.max(0, prefix.size() - PREFIX_SHOWN), prefix.size())) {
                    text.append("  ").append(op).append('\n');
                }
                text.append("after which the value is ").append(Operation.quote(valueAfterPrefix)).append(".\n");
            }
            text.append("Operation #").append(overdue.id()).append(" completed at ").append(overdue.completedAt())
                    .append(", so it must take effect before then, but none of the operations that could go next")
                    .append(" is consistent with the value ").append(Operation.quote(valueAfterPrefix));
            if (candidates.stream().anyMatch(op -> !op.outcomeKnown())) {
                text.append(", not even after some of those with unknown outcome take effect first");
            }
            text.append(":\n");
            for (Operation op : candidates) {
                text.append("  ").append(op).append('\n');
            }
            return text.toString();
        }
    }

    /**
     * The search ran out of time while checking {@code key}, which has {@code operations} operations; keys
     * after it were not checked. This is a failure, not a pass: nothing was shown either way. Histories that
     * time out are usually very concurrent, or hold many operations with unknown outcome whose values
     * cannot be told apart.
     */
    record Timeout(String key, int operations, Duration timeout) implements Verdict {
        @Override
        public String explanation() {
            return "Gave up after " + timeout + " while checking key " + Operation.quote(key) + " (" + operations
                    + " operations): treat as a failure, the history was not shown linearizable.";
        }
    }
}
