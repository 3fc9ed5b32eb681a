package io.chronon.sim.check;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a history of a key-value register is linearizable.
 *
 * <p>A register history is linearizable if and only if each key's sub-history is (linearizability is
 * compositional), so keys are checked one at a time, each by the search of Wing and Gong with Lowe's
 * memoisation. Checking is NP-complete in general, hence the timeout; in practice time grows about
 * linearly with the number of operations and with how many are concurrent. What makes a history hard is
 * operations with unknown outcome whose written values other operations also write: recorders should have
 * every write use a fresh value where they can. Memory grows with the number of search states explored,
 * up to about a quarter of the heap.
 *
 * <p>See the {@linkplain io.chronon.sim.check package documentation} for how to record operations that
 * failed or whose outcome is unknown, and for how ties in time are treated.
 */
public final class LinearizabilityChecker {
    /** Longer timeouts are cut to this, so that the deadline stays within {@link System#nanoTime()}'s range. */
    private static final Duration LONGEST = Duration.ofDays(365L * 100);

    private LinearizabilityChecker() {}

    /**
     * Checks {@code history}, spending at most about {@code timeout} on it.
     *
     * @return {@link Verdict.Linearizable} with a witness order per key; {@link Verdict.NotLinearizable} for
     *         the first key (in order of first appearance) that is not; or {@link Verdict.Timeout}, which
     *         callers must treat as a failure
     */
    public static Verdict check(History history, Duration timeout) {
        return check(history, timeout, KeySearch.defaultVisitedLimit());
    }

    /** As {@link #check(History, Duration)}, with a memo of at most {@code visitedLimit} points per key. */
    static Verdict check(History history, Duration timeout, int visitedLimit) {
        Objects.requireNonNull(history, "history");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        long deadline = System.nanoTime() + (timeout.compareTo(LONGEST) > 0 ? LONGEST : timeout).toNanos();
        Map<String, List<Operation>> linearizations = new LinkedHashMap<>();
        for (Map.Entry<String, List<Operation>> sub : history.byKey().entrySet()) {
            Verdict verdict = new KeySearch(sub.getKey(), sub.getValue(), visitedLimit).run(deadline, timeout);
            if (!(verdict instanceof Verdict.Linearizable(Map<String, List<Operation>> linearization))) {
                return verdict;
            }
            linearizations.putAll(linearization);
        }
        return new Verdict.Linearizable(linearizations);
    }
}
