package io.chronon.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a history accepts, and how operations print in verdicts. */
class HistoryTest {

    @Test
    void anOutputMustAnswerItsInput() {
        assertThrows(IllegalArgumentException.class, () -> History.builder()
                .add(1, 0, 10, new Input.Put("k", "v"), new Output.Get("v")));
    }

    @Test
    void anOperationHasAnOutputExactlyWhenItsOutcomeIsKnown() {
        assertThrows(IllegalArgumentException.class, () -> History.builder()
                .add(1, 0, 10, new Input.Get("k"), null));
        assertThrows(IllegalArgumentException.class, () -> History.builder()
                .add(1, 0, Operation.UNKNOWN, new Input.Get("k"), new Output.Get("v")));
    }

    @Test
    void anOperationCannotCompleteBeforeItIsInvoked() {
        assertThrows(IllegalArgumentException.class, () -> History.builder().get(1, "k", 10, 9, null));
    }

    @Test
    void keysAreRequired() {
        assertThrows(NullPointerException.class, () -> new Input.Get(null));
    }

    @Test
    void idsAreUnique() {
        Operation op = new Operation(3, 1, 0, 10, new Input.Get("k"), new Output.Get(null));
        Operation same = new Operation(3, 2, 0, 10, new Input.Get("k"), new Output.Get(null));
        assertThrows(IllegalArgumentException.class, () -> new History(List.of(op, same)));
    }

    @Test
    void aClientWaitsForAnOperationBeforeItsNext() {
        assertThrows(IllegalArgumentException.class, () -> History.builder()
                .get(1, "k", 0, 10, null)
                .get(1, "k", 9, 20, null)
                .build());
        History.builder()
                .get(1, "k", 0, 10, null)
                .get(1, "k", 10, 20, null)
                .build();
    }

    @Test
    void aClientNeedNotWaitForAnOperationWhoseOutcomeIsUnknown() {
        History history = History.builder()
                .putUnknown(1, "k", "a", 0)
                .get(1, "k", 5, 20, "a")
                .build();
        assertTrue(LinearizabilityChecker.check(history, Duration.ofSeconds(1)).isLinearizable());
    }

    @Test
    void operationsPrintWithClientTimesInputAndOutput() {
        History history = History.builder()
                .put(1, "k", "a", 0, 10, null)
                .get(2, "k", 5, 15, "a")
                .cas(3, "k", "a", "b", 20, 30, true, "b")
                .cas(3, "k", null, "c", 40, 50, false, "b")
                .putUnknown(4, "k", null, 60)
                .build();
        assertEquals(List.of(
                        "#0 client 1 [0, 10] put(\"k\", \"a\") -> previous null",
                        "#1 client 2 [5, 15] get(\"k\") -> \"a\"",
                        "#2 client 3 [20, 30] cas(\"k\", \"a\", \"b\") -> swapped, now \"b\"",
                        "#3 client 3 [40, 50] cas(\"k\", null, \"c\") -> not swapped, found \"b\"",
                        "#4 client 4 [60, inf) put(\"k\", null) -> ? (outcome unknown)"),
                history.operations().stream().map(Operation::toString).toList());
    }

    @Test
    void subHistoriesKeepTheOrderOfFirstAppearance() {
        History history = History.builder()
                .get(1, "y", 0, 1, null)
                .get(1, "x", 2, 3, null)
                .get(1, "y", 4, 5, null)
                .build();
        assertEquals(List.of("y", "x"), List.copyOf(history.byKey().keySet()));
        assertEquals(2, history.byKey().get("y").size());
    }

    @Test
    void aTimeoutIsNotAPass() {
        Verdict timeout = new Verdict.Timeout("k", 3, Duration.ofMillis(1));
        assertFalse(timeout.isLinearizable());
        assertTrue(timeout.explanation().contains("treat as a failure"), timeout.explanation());
    }

    @Test
    void theTimeoutCannotBeNegative() {
        assertThrows(IllegalArgumentException.class,
                () -> LinearizabilityChecker.check(History.builder().build(), Duration.ofSeconds(-1)));
    }
}
