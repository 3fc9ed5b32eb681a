package io.chronon.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories from simulated clients of a real register must all pass, and each must fail once one output
 * is made impossible; small random histories must get the brute-force verdict; and the checker must be
 * fast on realistic histories and give up on pathological ones.
 */
class RandomizedLinearizabilityTest {
    private static final List<String> KEYS = List.of("a", "b", "c");
    /** The values of small histories: few, so that outputs drawn at random are right fairly often. */
    private static final List<String> FEW_VALUES = Arrays.asList(null, "v0", "v1");

    static LongStream seeds() {
        return Seeds.range(200);
    }

    private static RandomHistories.Shape randomShape(Random random) {
        return new RandomHistories.Shape(
                1 + random.nextInt(8),
                1 + random.nextInt(300),
                KEYS.subList(0, 1 + random.nextInt(KEYS.size())),
                random.nextBoolean() ? 0 : 2 + random.nextInt(4),
                random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.08);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void historiesOfARealRegisterAreLinearizableAndFailWhenOneOutputIsImpossible(long seed) {
        Random random = new Random(seed);
        RandomHistories.Shape shape = randomShape(random);
        System.out.println("seed " + seed + ", " + shape);
        History history = RandomHistories.generate(random, shape);
        Checks.assertLinearizable(history);

        List<Operation> known = history.operations().stream().filter(Operation::outcomeKnown).toList();
        if (known.isEmpty()) {
            return;
        }
        Operation victim = known.get(random.nextInt(known.size()));
        Verdict.NotLinearizable verdict =
                Checks.assertNotLinearizable(RandomHistories.corrupt(history, victim), victim.key());
        assertTrue(verdict.prefix().stream().noneMatch(op -> op.id() == victim.id()), verdict::explanation);
    }

    /**
     * Histories of a few operations, judged both by the checker and by enumerating every order. Some
     * are arbitrary, most of those not linearizable; the others come from a real register with one
     * output perhaps replaced, which makes near misses.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void smallHistoriesGetTheBruteForceVerdict(long seed) {
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            Checks.check(smallHistory(random));
        }
    }

    @Test
    void bruteForceComparisonSeesBothVerdicts() {
        Random random = new Random(0);
        int linearizable = 0;
        int histories = 2_000;
        for (int i = 0; i < histories; i++) {
            if (Checks.check(smallHistory(random)).isLinearizable()) {
                linearizable++;
            }
        }
        assertTrue(linearizable > histories / 4 && linearizable < histories * 3 / 4,
                linearizable + " of " + histories + " linearizable: the comparison tests too little");
    }

    /** Half arbitrary, half a real register's history with one output drawn at random. */
    private static History smallHistory(Random random) {
        if (random.nextBoolean()) {
            return arbitraryHistory(random);
        }
        History history = RandomHistories.generate(random, new RandomHistories.Shape(
                1 + random.nextInt(4), 1 + random.nextInt(8), KEYS.subList(0, 1 + random.nextInt(2)), 2, 0.2));
        List<Operation> known = history.operations().stream().filter(Operation::outcomeKnown).toList();
        if (known.isEmpty()) {
            return history;
        }
        Operation victim = known.get(random.nextInt(known.size()));
        List<Operation> operations = new ArrayList<>(history.operations());
        operations.replaceAll(op -> op != victim ? op : new Operation(op.id(), op.client(), op.invokedAt(),
                op.completedAt(), op.input(), randomOutput(random, op.input())));
        return new History(operations);
    }

    /**
     * Up to eight operations on one or two keys, many of them close in time so that ties are common, some
     * with unknown outcome. Every operation has its own client, so that any intervals are allowed.
     */
    private static History arbitraryHistory(Random random) {
        List<String> keys = KEYS.subList(0, 1 + random.nextInt(2));
        History.Builder builder = History.builder();
        int operations = 1 + random.nextInt(8);
        for (int client = 0; client < operations; client++) {
            String key = keys.get(random.nextInt(keys.size()));
            long invokedAt = random.nextInt(12);
            long completedAt = random.nextInt(8) == 0 ? Operation.UNKNOWN : invokedAt + random.nextInt(6);
            Input input = switch (random.nextInt(3)) {
                case 0 -> new Input.Put(key, randomValue(random));
                case 1 -> new Input.Get(key);
                default -> new Input.Cas(key, randomValue(random), randomValue(random));
            };
            builder.add(client, invokedAt, completedAt, input,
                    completedAt == Operation.UNKNOWN ? null : randomOutput(random, input));
        }
        return builder.build();
    }

    private static String randomValue(Random random) {
        return FEW_VALUES.get(random.nextInt(FEW_VALUES.size()));
    }

    private static Output randomOutput(Random random, Input input) {
        return switch (input) {
            case Input.Put _ -> new Output.Put(randomValue(random));
            case Input.Get _ -> new Output.Get(randomValue(random));
            case Input.Cas _ -> new Output.Cas(random.nextBoolean(), randomValue(random));
        };
    }

    /** Few values written over and over with some outcomes unknown; fresh values with many unknown. */
    static List<RandomHistories.Shape> busyShapes() {
        return List.of(
                new RandomHistories.Shape(8, 2_000, List.of("k"), 4, 0.02),
                new RandomHistories.Shape(8, 2_000, List.of("k"), 0, 0.1));
    }

    @ParameterizedTest
    @MethodSource("busyShapes")
    void twoThousandOperationsOnOneKeyFromEightClientsAreCheckedQuickly(RandomHistories.Shape shape) {
        long seed = 42;
        System.out.println("seed " + seed + ", " + shape);
        History history = RandomHistories.generate(new Random(seed), shape);
        long start = System.nanoTime();
        Verdict verdict = LinearizabilityChecker.check(history, Duration.ofSeconds(30));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("checked " + history.operations().size() + " operations in " + elapsed.toMillis() + " ms");
        assertInstanceOf(Verdict.Linearizable.class, verdict, verdict::explanation);
        assertTrue(elapsed.compareTo(Duration.ofSeconds(5)) < 0, "took " + elapsed);
    }

    /** The memo only saves work: emptying it ever so often must not change a verdict. */
    @Test
    void aTinyMemoGivesTheSameVerdicts() {
        Random random = new Random(3);
        for (int i = 0; i < 2_000; i++) {
            History history = smallHistory(random);
            Verdict verdict = LinearizabilityChecker.check(history, Checks.GENEROUS, 1 + random.nextInt(4));
            assertEquals(Oracle.linearizable(history), verdict.isLinearizable(), verdict::explanation);
        }
    }

    /**
     * Many concurrent writes of one value leave every subset of them a distinct point of the search, and a
     * final read of a value nobody wrote sends the search through all of them.
     */
    private static History manyIndistinguishableWrites(int writers) {
        History.Builder builder = History.builder().put(0, "k", "x", 0, 1_000, null);
        for (int client = 1; client < writers; client++) {
            builder.put(client, "k", "x", 0, 1_000, "x");
        }
        return builder.get(writers, "k", 1_001, 1_002, "y").build();
    }

    @Test
    void aPathologicalHistoryTimesOutInsteadOfHanging() {
        History history = manyIndistinguishableWrites(100);
        Verdict verdict = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> LinearizabilityChecker.check(history, Duration.ofMillis(1)));
        Verdict.Timeout timeout = assertInstanceOf(Verdict.Timeout.class, verdict, verdict::explanation);
        assertEquals("k", timeout.key());
        assertEquals(101, timeout.operations());
    }

    @Test
    void aSmallPathologicalHistoryIsSearchedExhaustively() {
        Checks.assertNotLinearizable(manyIndistinguishableWrites(12), "k");
    }
}
