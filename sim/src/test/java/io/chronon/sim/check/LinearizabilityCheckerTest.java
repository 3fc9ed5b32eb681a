package io.chronon.sim.check;

import static io.chronon.sim.check.Checks.assertLinearizable;
import static io.chronon.sim.check.Checks.assertNotLinearizable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Hand-made histories whose verdict is known; small ones are also confirmed by brute force in {@link Checks}. */
class LinearizabilityCheckerTest {
    private static final String K = "k";

    private static List<Operation> ops(History history, int... ids) {
        return Arrays.stream(ids).mapToObj(history.operations()::get).toList();
    }

    @Test
    void emptyHistoryIsLinearizable() {
        Verdict.Linearizable verdict = assertLinearizable(History.builder().build());
        assertEquals(Map.of(), verdict.linearizations());
    }

    @Test
    void sequentialHistoryOfEveryKindIsLinearizableInItsOwnOrder() {
        History history = History.builder()
                .put(1, K, "a", 0, 1, null)
                .get(1, K, 2, 3, "a")
                .cas(1, K, "a", "b", 4, 5, true, "b")
                .cas(1, K, "a", "c", 6, 7, false, "b")
                .put(1, K, null, 8, 9, "b")
                .get(1, K, 10, 11, null)
                .cas(1, K, null, "d", 12, 13, true, "d")
                .put(1, K, "e", 14, 15, "d")
                .build();
        assertEquals(history.operations(), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void staleReadIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .put(1, K, "b", 20, 30, "a")
                .get(2, K, 40, 50, "a")
                .build();
        Verdict.NotLinearizable verdict = assertNotLinearizable(history, K);
        assertEquals(ops(history, 0, 1), verdict.prefix());
        assertEquals("b", verdict.valueAfterPrefix());
        assertEquals(history.operations().get(2), verdict.overdue());
        assertEquals("""
                Key "k" is not linearizable (3 operations on the key).
                The longest linearizable prefix found has 2 operations, in the order they took effect:
                  #0 client 1 [0, 10] put("k", "a") -> previous null
                  #1 client 1 [20, 30] put("k", "b") -> previous "a"
                after which the value is "b".
                Operation #2 completed at 50, so it must take effect before then, but none of the operations \
                that could go next is consistent with the value "b":
                  #2 client 2 [40, 50] get("k") -> "a"
                """, verdict.explanation());
    }

    @Test
    void lostWriteIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .put(2, K, "b", 20, 30, null)
                .get(1, K, 40, 50, "b")
                .build();
        Verdict.NotLinearizable verdict = assertNotLinearizable(history, K);
        assertEquals(history.operations().get(1), verdict.overdue());
    }

    @Test
    void readOfValueNeverWrittenIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .get(2, K, 5, 50, "zzz")
                .build();
        assertEquals(history.operations().get(1), assertNotLinearizable(history, K).overdue());
    }

    @Test
    void casThatSucceedsAgainstTheWrongExpectedValueIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .cas(1, K, "b", "c", 20, 30, true, "c")
                .build();
        assertEquals(history.operations().get(1), assertNotLinearizable(history, K).overdue());
    }

    @Test
    void casThatFailsAlthoughTheExpectedValueWasThereIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .cas(1, K, "a", "c", 20, 30, false, "a")
                .build();
        assertNotLinearizable(history, K);
    }

    @Test
    void casThatReportsWritingAnotherValueThanItsOwnIsNotLinearizable() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .cas(1, K, "a", "c", 20, 30, true, "d")
                .build();
        assertNotLinearizable(history, K);
    }

    @Test
    void overlappingWritesAndReadsAreLinearizableInTheOnlyPossibleOrder() {
        // The put of "b" is invoked first, but "a" must take effect before it, so the search must backtrack.
        History history = History.builder()
                .put(1, K, "b", 0, 100, "a")
                .put(2, K, "a", 5, 100, null)
                .get(3, K, 10, 90, "a")
                .get(4, K, 20, 30, null)
                .get(3, K, 110, 120, "b")
                .build();
        assertEquals(ops(history, 3, 1, 2, 0, 4), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void overlappingWritesAndReadsWithNoPossibleOrderAreNotLinearizable() {
        // As above, but the read of null now starts after the read of "a" completed.
        History history = History.builder()
                .put(1, K, "b", 0, 100, "a")
                .put(2, K, "a", 5, 100, null)
                .get(3, K, 10, 90, "a")
                .get(4, K, 95, 99, null)
                .get(3, K, 110, 120, "b")
                .build();
        assertNotLinearizable(history, K);
    }

    @Test
    void readOfOldValueAfterAnotherReadSawTheNewOneIsNotLinearizable() {
        // Both reads overlap the write, so each alone could go either side of it; together they cannot.
        History history = History.builder()
                .put(1, K, "1", 0, 100, null)
                .get(2, K, 10, 20, "1")
                .get(3, K, 30, 40, null)
                .build();
        Verdict.NotLinearizable verdict = assertNotLinearizable(history, K);
        assertEquals(history.operations().get(2), verdict.overdue());
    }

    @Test
    void readsThatSeeTheOldValueThenTheNewOneAreLinearizable() {
        History history = History.builder()
                .put(1, K, "1", 0, 100, null)
                .get(2, K, 10, 20, null)
                .get(3, K, 30, 40, "1")
                .build();
        assertEquals(ops(history, 1, 0, 2), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void putWithUnknownOutcomeMayTakeEffect() {
        History history = History.builder()
                .putUnknown(1, K, "a", 0)
                .get(2, K, 10, 20, "a")
                .build();
        assertEquals(history.operations(), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void putWithUnknownOutcomeMayNotTakeEffect() {
        History history = History.builder()
                .putUnknown(1, K, "a", 0)
                .get(2, K, 10, 20, null)
                .get(2, K, 30, 40, null)
                .build();
        assertEquals(ops(history, 1, 2), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void putWithUnknownOutcomeTakesEffectAtMostOnce() {
        History history = History.builder()
                .putUnknown(1, K, "a", 0)
                .get(2, K, 10, 20, "a")
                .put(2, K, "b", 30, 40, "a")
                .get(2, K, 50, 60, "a")
                .build();
        assertNotLinearizable(history, K);
    }

    @Test
    void putWithUnknownOutcomeMayTakeEffectAfterOperationsInvokedLater() {
        // The client gave up on its put and went on; the put landed after everything else it overlaps.
        History history = History.builder()
                .putUnknown(1, K, "a", 0)
                .put(2, K, "b", 10, 20, null)
                .get(3, K, 30, 40, "b")
                .get(3, K, 50, 60, "a")
                .get(1, K, 70, 80, "a")
                .build();
        assertEquals(ops(history, 1, 2, 0, 3, 4), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void casWithUnknownOutcomeMayTakeEffectOnlyIfItCouldSwap() {
        History swaps = History.builder()
                .casUnknown(1, K, null, "a", 0)
                .get(2, K, 10, 20, "a")
                .build();
        assertEquals(swaps.operations(), assertLinearizable(swaps).linearizations().get(K));
        History cannotSwap = History.builder()
                .casUnknown(1, K, "z", "a", 0)
                .get(2, K, 10, 20, "a")
                .build();
        assertNotLinearizable(cannotSwap, K);
    }

    @Test
    void getWithUnknownOutcomeConstrainsNothing() {
        History history = History.builder()
                .put(1, K, "a", 0, 10, null)
                .getUnknown(2, K, 5)
                .get(1, K, 20, 30, "a")
                .build();
        assertEquals(ops(history, 0, 2), assertLinearizable(history).linearizations().get(K));
    }

    @Test
    void operationsThatMeetAtOneInstantAreConcurrent() {
        History tie = History.builder()
                .put(1, K, "a", 0, 10, null)
                .get(2, K, 10, 20, null)
                .build();
        assertEquals(ops(tie, 1, 0), assertLinearizable(tie).linearizations().get(K));
        History apart = History.builder()
                .put(1, K, "a", 0, 10, null)
                .get(2, K, 11, 20, null)
                .build();
        assertNotLinearizable(apart, K);
    }

    @Test
    void theVerdictNamesTheKeyThatIsNotLinearizable() {
        History history = History.builder()
                .put(1, "x", "a", 0, 10, null)
                .put(2, "y", "a", 0, 10, null)
                .get(3, "x", 20, 30, "a")
                .put(1, "y", "b", 20, 30, "a")
                .put(2, "z", "c", 20, 30, null)
                .get(3, "y", 40, 50, "a")
                .get(1, "z", 40, 50, "c")
                .build();
        Verdict.NotLinearizable verdict = assertNotLinearizable(history, "y");
        assertEquals(ops(history, 1, 3, 5), verdict.operations());
        assertTrue(verdict.explanation().contains("#5 client 3 [40, 50] get(\"y\") -> \"a\""), verdict.explanation());
    }

    @Test
    void everyKeyOfALinearizableHistoryGetsAnOrder() {
        History history = History.builder()
                .put(1, "x", "a", 0, 10, null)
                .put(2, "y", "b", 0, 10, null)
                .get(1, "y", 20, 30, "b")
                .build();
        Verdict.Linearizable verdict = assertLinearizable(history);
        assertEquals(List.of("x", "y"), List.copyOf(verdict.linearizations().keySet()));
        assertTrue(verdict.explanation().startsWith("Linearizable: 2 keys, 3 operations"), verdict.explanation());
    }

    @Test
    void longHistoriesNeedNoRecursion() {
        int operations = 100_000;
        History.Builder builder = History.builder();
        for (int i = 0; i < operations - 1; i += 2) {
            builder.put(1, K, "v" + i, 10L * i, 10L * i + 5, i == 0 ? null : "v" + (i - 2));
            builder.get(2, K, 10L * i + 6, 10L * i + 9, "v" + i);
        }
        History linearizable = builder.build();
        assertEquals(operations, assertLinearizable(linearizable).linearizations().get(K).size());

        // A stale read at the very end makes the search backtrack through the whole history.
        History stale = builder.get(3, K, 10L * operations, 10L * operations + 1, "v0").build();
        Verdict.NotLinearizable verdict = assertNotLinearizable(stale, K);
        assertEquals(operations, verdict.prefix().size());
        assertTrue(verdict.explanation().contains("... " + (operations - 20) + " earlier operations"),
                verdict.explanation());
    }
}
