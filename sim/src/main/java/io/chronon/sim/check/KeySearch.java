package io.chronon.sim.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The linearizability search for the sub-history of one key: the algorithm of Wing and Gong with Lowe's
 * memoisation ("Testing for linearizability", 2017), as in Porcupine, with additions for operations whose
 * outcome is unknown.
 *
 * <p>Calls and returns form a list sorted by time. The search walks it from the front; at a call it tries
 * to linearize that operation now, which is allowed if the register accepts the operation's output in the
 * current state, and then removes the operation's call and return from the list and starts again at the
 * front. Reaching a return means that operation completed without having taken effect, so the search
 * backtracks: it undoes the last linearization and tries the next call after it. A set of (linearized
 * operations, value) pairs already explored prunes paths that reach the same point in another order. The
 * search succeeds when no return is left: every operation with a known outcome is linearized.
 *
 * <p>An operation with unknown outcome has a call but no return, so it is never overdue and may stay
 * pending to the end, which stands for taking effect after everything else or never. Such operations are
 * what make histories hard: a search that let each of them take effect anywhere would go through every
 * subset of them. Three rules keep one representative of each class of equivalent linearizations, so
 * none of them changes the verdict:
 * <ol>
 *   <li>An operation with unknown outcome does not take effect where it would leave the value unchanged:
 *       that is indistinguishable from not taking effect, and staying pending keeps it free to take effect
 *       later.</li>
 *   <li>An operation with unknown outcome is not followed directly by a put with unknown outcome, which
 *       would overwrite its effect before anything observed it, so it might as well not have taken effect.
 *       It only takes effect, then, where an operation with known outcome or a cas with unknown outcome
 *       could follow it.</li>
 *   <li>Operations with unknown outcome and the same input are interchangeable, so they take effect in
 *       order of invocation: one does only once the one invoked before it did.</li>
 * </ol>
 * With distinct written values, as Jepsen recommends, an unknown write thus takes effect only right before
 * an operation that observes it. The calls of operations with unknown outcome also have a list of their own,
 * which the search tries only after the pending calls with known outcome: most such operations never took
 * effect, so a search that reached for them first would mostly have to take them back.
 */
final class KeySearch {
    private static final int PUT = 0;
    private static final int GET = 1;
    private static final int CAS = 2;
    /** The id of the value {@code null}; every key starts absent. */
    private static final int ABSENT = 0;
    /** What {@link #step} answers when the register cannot produce the operation's output. */
    private static final int REFUSED = -1;
    /** Reading the clock costs more than a search step, so it is read once per this many (a power of two). */
    private static final int STEPS_PER_CLOCK_READ = 1024;
    /** Roughly what one memo entry costs: the object, its two short arrays and its share of the hash table. */
    private static final long BYTES_PER_VISITED = 200;

    private final String key;
    /** The operations, by invocation; an operation is named by its index here. */
    private final List<Operation> ops;
    /**
     * Values are compared as small integers, one per distinct string, which keeps the model step and the
     * memo cheap while remaining equality on values.
     */
    private final List<String> values = new ArrayList<>();
    private final Map<String, Integer> valueIds = new HashMap<>();

    private final int[] kind;
    private final boolean[] known;
    /** Operations with known and unknown outcome are numbered apart, each in invocation order; see {@link Bits}. */
    private final int[] slot;
    private final int knownCount;
    /** For put and cas: the value written. */
    private final int[] written;
    /** For cas: the value expected. */
    private final int[] expected;
    /** For an operation with unknown outcome: the last one invoked before it with the same input, or -1. */
    private final int[] twin;
    /** By value: whether a cas with unknown outcome expects it. */
    private final boolean[] expectedByUnknownCas;
    /** For a known outcome: the previous value of a put, the value of a get, the current value of a cas. */
    private final int[] observed;
    private final boolean[] swapped;

    /**
     * Two doubly linked lists share these arrays: the calls and returns of operations with known outcome,
     * and the calls of those with unknown outcome, each in time order. Entries are numbered by time; the
     * last four numbers are the lists' head and tail sentinels.
     */
    private final int[] entryOp;
    private final long[] entryTime;
    private final boolean[] isCall;
    private final int[] next;
    private final int[] prev;
    private final int knownHead;
    private final int unknownHead;
    private final int unknownTail;
    private final int[] callEntry;
    private final int[] returnEntry;
    private final int visitedLimit;
    private int returnsLeft;

    /**
     * @param subHistory   operations on {@code key}; gets with unknown outcome are dropped, since a read that
     *                     may or may not have happened and whose answer nobody saw constrains nothing
     * @param visitedLimit how many points of the search the memo holds before it is emptied; see
     *                     {@link #defaultVisitedLimit()}
     */
    KeySearch(String key, List<Operation> subHistory, int visitedLimit) {
        this.key = key;
        this.visitedLimit = visitedLimit;
        this.ops = subHistory.stream()
                .filter(op -> op.outcomeKnown() || !(op.input() instanceof Input.Get))
                .sorted(Comparator.comparingLong(Operation::invokedAt).thenComparingInt(Operation::id))
                .toList();
        int n = ops.size();
        kind = new int[n];
        known = new boolean[n];
        slot = new int[n];
        written = new int[n];
        expected = new int[n];
        twin = new int[n];
        observed = new int[n];
        swapped = new boolean[n];
        Map<List<Integer>, Integer> lastWithInput = new HashMap<>();
        values.add(null);
        int knownSlots = 0;
        int unknownSlots = 0;
        for (int i = 0; i < n; i++) {
            Operation op = ops.get(i);
            known[i] = op.outcomeKnown();
            slot[i] = known[i] ? knownSlots++ : unknownSlots++;
            switch (op.input()) {
                case Input.Put(String _, String value) -> {
                    kind[i] = PUT;
                    written[i] = valueId(value);
                }
                case Input.Get _ -> kind[i] = GET;
                case Input.Cas(String _, String expect, String value) -> {
                    kind[i] = CAS;
                    expected[i] = valueId(expect);
                    written[i] = valueId(value);
                }
            }
            twin[i] = -1;
            if (!known[i]) {
                Integer previous = lastWithInput.put(List.of(kind[i], written[i], expected[i]), i);
                twin[i] = previous == null ? -1 : previous;
            }
            switch (op.output()) {
                case null -> {}
                case Output.Put(String previous) -> observed[i] = valueId(previous);
                case Output.Get(String value) -> observed[i] = valueId(value);
                case Output.Cas(boolean didSwap, String current) -> {
                    swapped[i] = didSwap;
                    observed[i] = valueId(current);
                }
            }
        }
        knownCount = knownSlots;
        expectedByUnknownCas = new boolean[values.size()];
        for (int i = 0; i < n; i++) {
            expectedByUnknownCas[expected[i]] |= !known[i] && kind[i] == CAS;
        }

        int entries = n + knownCount;
        long[] time = new long[entries];
        int[] op = new int[entries];
        boolean[] call = new boolean[entries];
        int e = 0;
        for (int i = 0; i < n; i++) {
            time[e] = ops.get(i).invokedAt();
            op[e] = i;
            call[e++] = true;
            if (known[i]) {
                time[e] = ops.get(i).completedAt();
                op[e++] = i;
            }
        }
        // The tie rule: at equal times calls go before returns, so an operation that completes at t and one
        // invoked at t count as concurrent. That never reports a violation that depends on how a tie was
        // broken.
        Integer[] order = new Integer[entries];
        Arrays.setAll(order, x -> x);
        Arrays.sort(order, Comparator.<Integer>comparingLong(x -> time[x])
                .thenComparing(x -> !call[x])
                .thenComparingInt(x -> op[x]));
        entryOp = new int[entries];
        entryTime = new long[entries];
        isCall = new boolean[entries];
        callEntry = new int[n];
        returnEntry = new int[n];
        Arrays.fill(returnEntry, -1);
        knownHead = entries;
        int knownTail = entries + 1;
        unknownHead = entries + 2;
        unknownTail = entries + 3;
        next = new int[entries + 4];
        prev = new int[entries + 4];
        int knownLast = knownHead;
        int unknownLast = unknownHead;
        for (int position = 0; position < entries; position++) {
            int x = order[position];
            entryOp[position] = op[x];
            entryTime[position] = time[x];
            isCall[position] = call[x];
            if (call[x]) {
                callEntry[op[x]] = position;
            } else {
                returnEntry[op[x]] = position;
            }
            if (known[op[x]]) {
                append(knownLast, position);
                knownLast = position;
            } else {
                append(unknownLast, position);
                unknownLast = position;
            }
        }
        append(knownLast, knownTail);
        append(unknownLast, unknownTail);
        returnsLeft = knownCount;
    }

    /**
     * A memo that filled a quarter of the heap. The memo only saves work, so emptying it keeps every verdict
     * and turns what would be an {@link OutOfMemoryError} on a pathological history into slower progress,
     * which the timeout then cuts short.
     */
    static int defaultVisitedLimit() {
        return (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_VISITED);
    }

    private void append(int last, int entry) {
        next[last] = entry;
        prev[entry] = last;
    }

    private int valueId(String value) {
        if (value == null) {
            return ABSENT;
        }
        return valueIds.computeIfAbsent(value, v -> {
            values.add(v);
            return values.size() - 1;
        });
    }

    /**
     * The value after operation {@code op} takes effect on {@code value}, or {@link #REFUSED} if the
     * register could not have answered what the client was told, or if {@code op} has an unknown outcome and
     * would leave the value unchanged (rule 1 of the class comment).
     */
    private int step(int op, int value) {
        return switch (kind[op]) {
            case PUT -> {
                if (!known[op]) {
                    yield written[op] != value ? written[op] : REFUSED;
                }
                yield observed[op] == value ? written[op] : REFUSED;
            }
            case GET -> observed[op] == value ? value : REFUSED;
            default -> {
                boolean matches = value == expected[op];
                if (!known[op]) {
                    yield matches && written[op] != value ? written[op] : REFUSED;
                }
                if (matches) {
                    yield swapped[op] && observed[op] == written[op] ? written[op] : REFUSED;
                }
                yield !swapped[op] && observed[op] == value ? value : REFUSED;
            }
        };
    }

    /** Rules 2 and 3 of the class comment, which the register's rules do not cover. */
    private boolean mayTakeEffect(int op, boolean afterUnknown, boolean[] taken) {
        if (known[op]) {
            return true;
        }
        if (afterUnknown && kind[op] == PUT) {
            return false;
        }
        return twin[op] < 0 || taken[twin[op]];
    }

    /**
     * Whether something could follow an operation with unknown outcome that leaves {@code value}, as rule 2
     * demands: a pending operation with known outcome, all of which are before {@code overdue} in their
     * list, or some cas with unknown outcome (whether pending or not, which would cost a longer look).
     */
    private boolean couldBeFollowed(int value, int overdue) {
        if (expectedByUnknownCas[value]) {
            return true;
        }
        for (int e = next[knownHead]; e != overdue; e = next[e]) {
            if (step(entryOp[e], value) != REFUSED) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the search, giving up when {@link System#nanoTime()} passes {@code deadline}.
     *
     * <p>The candidates at each point are the calls of operations with known outcome up to the first return
     * in their list, then the calls of operations with unknown outcome invoked no later than that return.
     * {@code overdue} is that return once the search has moved on to the second kind, and -1 before.
     */
    Verdict run(long deadline, Duration timeout) {
        int n = ops.size();
        Bits knownDone = new Bits(knownCount);
        Bits unknownDone = new Bits(n - knownCount);
        boolean[] taken = new boolean[n];
        Set<Visited> visited = new HashSet<>();
        // The current linearization, with what to restore when backtracking over each of its operations: an
        // explicit stack, as a history can be longer than the call stack is deep.
        int[] path = new int[n];
        int[] valueBefore = new int[n];
        int[] overdueBefore = new int[n];
        int depth = 0;
        int knownDepth = 0;
        int value = ABSENT;
        Furthest furthest = null;
        long steps = 0;
        int overdue = -1;
        int entry = next[knownHead];
        while (returnsLeft > 0) {
            if ((++steps & (STEPS_PER_CLOCK_READ - 1)) == 0 && System.nanoTime() - deadline >= 0) {
                return new Verdict.Timeout(key, n, timeout);
            }
            if (overdue < 0 && !isCall[entry]) {
                overdue = entry;
                entry = next[unknownHead];
                continue;
            }
            if (overdue >= 0 && (entry == unknownTail || entryTime[entry] > entryTime[overdue])) {
                if (furthest == null || knownDepth > furthest.knownDepth) {
                    furthest = furthest(path, valueBefore, depth, value, knownDepth, overdue);
                }
                if (depth == 0) {
                    return notLinearizable(furthest);
                }
                depth--;
                int op = path[depth];
                value = valueBefore[depth];
                overdue = overdueBefore[depth];
                taken[op] = false;
                knownDepth -= known[op] ? 1 : 0;
                (known[op] ? knownDone : unknownDone).clear(slot[op]);
                unlift(callEntry[op]);
                entry = next[callEntry[op]];
                continue;
            }
            int op = entryOp[entry];
            boolean afterUnknown = depth > 0 && !known[path[depth - 1]];
            int after = mayTakeEffect(op, afterUnknown, taken) ? step(op, value) : REFUSED;
            if (after != REFUSED && (known[op] || couldBeFollowed(after, overdue))) {
                Bits done = known[op] ? knownDone : unknownDone;
                done.set(slot[op]);
                if (visited.size() >= visitedLimit) {
                    visited.clear();
                }
                if (visited.add(new Visited(after, !known[op], knownDone, unknownDone))) {
                    taken[op] = true;
                    path[depth] = op;
                    valueBefore[depth] = value;
                    overdueBefore[depth] = overdue;
                    depth++;
                    knownDepth += known[op] ? 1 : 0;
                    value = after;
                    overdue = -1;
                    lift(entry);
                    entry = next[knownHead];
                    continue;
                }
                done.clear(slot[op]);
            }
            entry = next[entry];
        }
        return new Verdict.Linearizable(Map.of(key, operations(Arrays.copyOf(path, depth))));
    }

    /**
     * A dead end, measured by the operations with known outcome it linearized: the furthest one is reported
     * because none of its candidates with known outcome can go next, even after some with unknown outcome
     * take effect first; any that could would have led further. Operations with unknown outcome at the end
     * of its path go back among the candidates: they did not help, and would only make the prefix longer.
     */
    private Furthest furthest(int[] path, int[] valueBefore, int depth, int value, int knownDepth, int overdue) {
        int kept = depth;
        while (kept > 0 && !known[path[kept - 1]]) {
            kept--;
        }
        List<Integer> candidates = new ArrayList<>();
        for (int e = next[knownHead]; e != overdue; e = next[e]) {
            candidates.add(entryOp[e]);
        }
        for (int e = next[unknownHead]; e != unknownTail && entryTime[e] <= entryTime[overdue]; e = next[e]) {
            candidates.add(entryOp[e]);
        }
        Arrays.stream(path, kept, depth).forEach(candidates::add);
        // By invocation, which is the order of {@link #ops}.
        candidates.sort(null);
        return new Furthest(Arrays.copyOf(path, kept), kept == depth ? value : valueBefore[kept], knownDepth,
                entryOp[overdue], candidates.stream().mapToInt(Integer::intValue).toArray());
    }

    private Verdict notLinearizable(Furthest furthest) {
        return new Verdict.NotLinearizable(key, ops, operations(furthest.path), values.get(furthest.value),
                ops.get(furthest.overdue), operations(furthest.candidates));
    }

    private List<Operation> operations(int[] indices) {
        return Arrays.stream(indices).mapToObj(ops::get).toList();
    }

    /** Takes an operation out of its list: it has been linearized. */
    private void lift(int call) {
        unlink(call);
        int ret = returnEntry[entryOp[call]];
        if (ret >= 0) {
            unlink(ret);
            returnsLeft--;
        }
    }

    /** Puts back what {@link #lift} took out, in reverse order so that each entry's neighbours are intact. */
    private void unlift(int call) {
        int ret = returnEntry[entryOp[call]];
        if (ret >= 0) {
            relink(ret);
            returnsLeft++;
        }
        relink(call);
    }

    private void unlink(int e) {
        next[prev[e]] = next[e];
        prev[next[e]] = prev[e];
    }

    private void relink(int e) {
        next[prev[e]] = e;
        prev[next[e]] = e;
    }

    /** A dead end of the search: the linearization so far, the value it left, and what was stuck. */
    private record Furthest(int[] path, int value, int knownDepth, int overdue, int[] candidates) {}

    /**
     * A point of the search, by value: which operations are linearized, the register's value, and whether
     * the last operation had an unknown outcome, since rule 2 then restricts what may follow.
     */
    private static final class Visited {
        private final int value;
        private final boolean afterUnknown;
        private final int knownFloor;
        private final long[] knownWindow;
        private final int unknownFloor;
        private final long[] unknownWindow;
        private final int hash;

        Visited(int value, boolean afterUnknown, Bits known, Bits unknown) {
            this.value = value;
            this.afterUnknown = afterUnknown;
            this.knownFloor = known.floor();
            this.knownWindow = known.window();
            this.unknownFloor = unknown.floor();
            this.unknownWindow = unknown.window();
            int h = 2 * value + (afterUnknown ? 1 : 0);
            h = 31 * h + knownFloor;
            h = 31 * h + Arrays.hashCode(knownWindow);
            h = 31 * h + unknownFloor;
            h = 31 * h + Arrays.hashCode(unknownWindow);
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Visited v && hash == v.hash && value == v.value
                    && afterUnknown == v.afterUnknown && knownFloor == v.knownFloor
                    && unknownFloor == v.unknownFloor && Arrays.equals(knownWindow, v.knownWindow)
                    && Arrays.equals(unknownWindow, v.unknownWindow);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
