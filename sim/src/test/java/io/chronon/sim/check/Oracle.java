package io.chronon.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges histories straight from the definition of linearizability, sharing no code with the checker:
 * by brute force for small histories, and by replaying the evidence a verdict carries.
 */
final class Oracle {
    private Oracle() {}

    /**
     * Whether some sequence holding every operation with known outcome, and any of those with unknown
     * outcome, replays correctly on a register and never puts an operation before one that completed
     * strictly before it was invoked. Exponential: for a handful of operations only.
     */
    static boolean linearizable(History history) {
        List<Operation> ops = history.operations();
        int known = (int) ops.stream().filter(Operation::outcomeKnown).count();
        return extend(ops, new boolean[ops.size()], new HashMap<>(), known);
    }

    private static boolean extend(List<Operation> ops, boolean[] placed, Map<String, String> register, int knownLeft) {
        if (knownLeft == 0) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (placed[i] || mustWait(ops, placed, op)) {
                continue;
            }
            Map<String, String> after = new HashMap<>(register);
            Output answer = RandomHistories.apply(after, op.input());
            if (op.outcomeKnown() && !answer.equals(op.output())) {
                continue;
            }
            placed[i] = true;
            boolean found = extend(ops, placed, after, knownLeft - (op.outcomeKnown() ? 1 : 0));
            placed[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static boolean mustWait(List<Operation> ops, boolean[] placed, Operation op) {
        for (int j = 0; j < ops.size(); j++) {
            Operation other = ops.get(j);
            if (!placed[j] && other.outcomeKnown() && other.completedAt() < op.invokedAt()) {
                return true;
            }
        }
        return false;
    }

    /** Asserts that the verdict's orders are linearizations of the history's sub-histories. */
    static void assertValidWitness(History history, Verdict.Linearizable verdict) {
        Map<String, List<Operation>> byKey = history.byKey();
        assertEquals(byKey.keySet(), verdict.linearizations().keySet());
        for (Map.Entry<String, List<Operation>> sub : byKey.entrySet()) {
            List<Operation> order = verdict.linearizations().get(sub.getKey());
            assertEquals(order.size(), new HashSet<>(order).size(), "an operation taken twice");
            Set<Operation> taken = new HashSet<>(order);
            assertTrue(new HashSet<>(sub.getValue()).containsAll(taken), "an operation of another key");
            for (Operation op : sub.getValue()) {
                assertTrue(!op.outcomeKnown() || taken.contains(op), () -> "left out " + op);
            }
            assertReplays(order);
            assertRespectsRealTime(order);
        }
    }

    /** Asserts that a verdict of failure is backed by its evidence: a valid prefix and a real dead end. */
    static void assertCoherentFailure(History history, Verdict.NotLinearizable verdict) {
        List<Operation> prefix = verdict.prefix();
        assertEquals(verdict.valueAfterPrefix(), assertReplays(prefix));
        assertRespectsRealTime(prefix);
        Operation overdue = verdict.overdue();
        assertTrue(overdue.outcomeKnown());
        assertFalse(prefix.contains(overdue));
        Set<Operation> inPrefix = new HashSet<>(prefix);
        List<Operation> sub = history.byKey().get(verdict.key());
        for (Operation op : sub) {
            if (op.outcomeKnown() && !inPrefix.contains(op)) {
                assertTrue(op.completedAt() >= overdue.completedAt(), () -> op + " was overdue before " + overdue);
            }
        }
        Set<Operation> expectedCandidates = sub.stream()
                .filter(op -> !inPrefix.contains(op) && op.invokedAt() <= overdue.completedAt())
                .filter(op -> op.outcomeKnown() || !(op.input() instanceof Input.Get))
                .collect(Collectors.toSet());
        assertEquals(expectedCandidates, new HashSet<>(verdict.candidates()));
        List<Operation> knownCandidates = verdict.candidates().stream().filter(Operation::outcomeKnown).toList();
        List<Operation> unknownCandidates = verdict.candidates().stream().filter(op -> !op.outcomeKnown()).toList();
        for (Operation candidate : knownCandidates) {
            assertFalse(acceptable(verdict, List.of(), candidate), () -> candidate + " could have gone next");
            for (Operation first : unknownCandidates) {
                assertFalse(acceptable(verdict, List.of(first), candidate),
                        () -> candidate + " could have gone next after " + first);
            }
        }
        assertTrue(prefix.isEmpty() || prefix.getLast().outcomeKnown(), "prefix ends with an unknown outcome");
        String explanation = verdict.explanation();
        assertTrue(explanation.contains(Operation.quote(verdict.key())), explanation);
        assertTrue(explanation.contains(overdue.toString()), explanation);
    }

    /** Whether {@code candidate} answers as recorded when it follows {@code first} after the verdict's prefix. */
    private static boolean acceptable(Verdict.NotLinearizable verdict, List<Operation> first, Operation candidate) {
        Map<String, String> register = new HashMap<>();
        if (verdict.valueAfterPrefix() != null) {
            register.put(verdict.key(), verdict.valueAfterPrefix());
        }
        first.forEach(op -> RandomHistories.apply(register, op.input()));
        return RandomHistories.apply(register, candidate.input()).equals(candidate.output());
    }

    /** Replays {@code order} on a register from absent, checking every known output; returns the final value. */
    private static String assertReplays(List<Operation> order) {
        Map<String, String> register = new HashMap<>();
        for (Operation op : order) {
            Output answer = RandomHistories.apply(register, op.input());
            assertTrue(!op.outcomeKnown() || answer.equals(op.output()), () -> op + " but the register answers " + answer);
        }
        Set<String> keys = order.stream().map(Operation::key).collect(Collectors.toSet());
        assertTrue(keys.size() <= 1, "one key per order");
        return keys.isEmpty() ? null : register.get(keys.iterator().next());
    }

    /** Equivalent to checking every pair, in linear time: no operation completed before an earlier one's invocation. */
    private static void assertRespectsRealTime(List<Operation> order) {
        Operation latestInvoked = null;
        for (Operation op : order) {
            Operation earlier = latestInvoked;
            assertTrue(earlier == null || op.completedAt() >= earlier.invokedAt(),
                    () -> op + " completed before " + earlier + " was invoked, yet comes after it");
            if (earlier == null || op.invokedAt() > earlier.invokedAt()) {
                latestInvoked = op;
            }
        }
    }
}
