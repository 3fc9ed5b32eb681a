package io.chronon.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.chronon.vsr.InjectedBug;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator in the build: hundreds of seeds with every fault class on, for 3 and 5 replicas,
 * and proof that it catches protocol bugs. Seeds run two at a time (each is single-threaded and
 * independent); {@code -Dchronon.sim.seeds=N} runs more.
 */
class SimulationTest {
    private static final long SEEDS = Long.getLong("chronon.sim.seeds", 300);

    private static List<Simulation.Result> runSeeds(long first, long count, int replicas, Set<InjectedBug> bugs,
                                                    boolean stopAtFirstFailure) throws Exception {
        return runSeeds(first, count, replicas, Simulation.Workload.KV, bugs, stopAtFirstFailure);
    }

    private static List<Simulation.Result> runSeeds(long first, long count, int replicas, Simulation.Workload workload,
                                                    Set<InjectedBug> bugs, boolean stopAtFirstFailure) throws Exception {
        List<Simulation.Result> failures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Simulation.Result>> results = new ArrayList<>();
            for (long seed = first; seed < first + count; seed++) {
                Simulation.Options options = Simulation.Options.standard(seed, replicas).with(workload).withBugs(bugs);
                results.add(pool.submit(() -> Simulation.run(options)));
            }
            for (Future<Simulation.Result> future : results) {
                Simulation.Result result = future.get();
                if (!result.passed()) {
                    failures.add(result);
                    if (stopAtFirstFailure) {
                        results.forEach(pending -> pending.cancel(true));
                        break;
                    }
                }
            }
        }
        return failures;
    }

    private static String describe(List<Simulation.Result> failures, int replicas) {
        return describe(failures, replicas, Simulation.Workload.KV);
    }

    private static String describe(List<Simulation.Result> failures, int replicas, Simulation.Workload workload) {
        StringBuilder text = new StringBuilder();
        for (Simulation.Result failure : failures) {
            text.append("\nseed ").append(failure.seed()).append(": ").append(failure.failure())
                    .append("\n  replay: java -jar sim/target/chronon-sim.jar --seeds 1 --first-seed ")
                    .append(failure.seed()).append(" --replicas ").append(replicas).append(" --jobs 1 --workload ")
                    .append(workload.name().toLowerCase(Locale.ROOT));
            failure.trace().subList(Math.max(0, failure.trace().size() - 40), failure.trace().size())
                    .forEach(line -> text.append("\n    ").append(line));
        }
        return text.toString();
    }

    @Test
    void threeReplicasSurviveEveryFaultClass() throws Exception {
        System.out.println("SimulationTest: seeds 1.." + SEEDS + ", 3 replicas");
        List<Simulation.Result> failures = runSeeds(1, SEEDS, 3, Set.of(), false);
        assertEquals(List.of(), failures.stream().map(Simulation.Result::seed).toList(), describe(failures, 3));
    }

    @Test
    void fiveReplicasSurviveEveryFaultClass() throws Exception {
        long seeds = Math.max(20, SEEDS / 6);
        System.out.println("SimulationTest: seeds 100001.." + (100_000 + seeds) + ", 5 replicas");
        List<Simulation.Result> failures = runSeeds(100_001, seeds, 5, Set.of(), false);
        assertEquals(List.of(), failures.stream().map(Simulation.Result::seed).toList(), describe(failures, 5));
    }

    /**
     * The bank: transfers emit effects to an exactly-once and an at-least-once sink while replicas
     * crash (some between a sink's commit and the acknowledgement), fail over and rot; money is
     * conserved at every index and every effect reaches its sink as its guarantee says.
     */
    @Test
    void theBankConservesMoneyAndDeliversEveryEffectOnceThroughFailovers() throws Exception {
        long seeds = Math.max(30, SEEDS / 3);
        System.out.println("SimulationTest: seeds 200001.." + (200_000 + seeds) + ", 3 replicas, bank workload");
        List<Simulation.Result> failures = runSeeds(200_001, seeds, 3, Simulation.Workload.BANK, Set.of(), false);
        assertEquals(List.of(), failures.stream().map(Simulation.Result::seed).toList(),
                describe(failures, 3, Simulation.Workload.BANK));
    }

    /** Seeds that once failed, each for a bug now fixed (see docs/testing.md). */
    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"BANK, 5146", "BANK, 40036", "BANK, 50961", "BANK, 71365", "KV, 80461", "KV, 151156", "KV, 151811"})
    void seedsThatOnceFailed(Simulation.Workload workload, long seed) {
        Simulation.Result result = Simulation.run(Simulation.Options.standard(seed, 3).with(workload));
        assertTrue(result.passed(), () -> describe(List.of(result), 3, workload));
    }

    /** Each deliberate protocol bug must be caught within 1,000 seeds. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(InjectedBug.class)
    void theCheckersCatchAnInjectedProtocolBug(InjectedBug bug) throws Exception {
        List<Simulation.Result> failures = runSeeds(1, 1000, 3, Set.of(bug), true);
        assertTrue(!failures.isEmpty(), bug + " went unnoticed for 1,000 seeds");
        System.out.println("SimulationTest: " + bug + " caught by seed " + failures.getFirst().seed() + ": "
                + failures.getFirst().failure());
    }
}
