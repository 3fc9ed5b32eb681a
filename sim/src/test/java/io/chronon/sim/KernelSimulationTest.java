package io.chronon.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.node.DivergenceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scripted runs of the kernel's repair and guard paths: a replica that fell behind the others'
 * compaction comes back by installing a snapshot (over a lossy network), and an application that
 * reads the clock is caught by the replicas' own divergence guard, with no oracle watching.
 */
class KernelSimulationTest {
    private static final long SECOND = 1_000_000_000L;

    private static String describe(Simulation.Result result) {
        return "seed " + result.seed() + ": " + result.failure() + "\n    "
                + String.join("\n    ", result.trace().subList(Math.max(0, result.trace().size() - 40),
                result.trace().size()));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void aReplicaDownWhileTheOthersCompactComesBackByInstallingASnapshot(long seed) {
        Simulation sim = new Simulation(Simulation.Options.scripted(seed, 3, 6 * SECOND, 6 * SECOND)
                .with(Simulation.Workload.BANK));
        sim.at(SECOND / 2, () -> sim.crashFor((Math.max(0, sim.currentPrimary()) + 1) % 3, 5 * SECOND));
        sim.at(5 * SECOND, () -> sim.network.degrade(0.1, 0.02, 5_000_000));
        Simulation.Result result = sim.run();
        System.out.println("KernelSimulationTest seed " + seed + ": " + result.installs() + " snapshot installs, "
                + result.operations() + " operations");
        assertTrue(result.passed(), () -> describe(result));
        assertTrue(result.installs() >= 1, "the backup came back behind the compaction and installed a snapshot");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void aReplacedDiskIsRefilledFromASnapshot(long seed) {
        Simulation sim = new Simulation(Simulation.Options.scripted(seed, 3, 6 * SECOND, 6 * SECOND)
                .with(Simulation.Workload.BANK));
        sim.at(3 * SECOND, () -> sim.wipeFor(1, SECOND));
        Simulation.Result result = sim.run();
        assertTrue(result.passed(), () -> describe(result));
        assertTrue(result.installs() >= 1, "the empty replica installed a snapshot: " + result.installs());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32})
    void anApplicationWhoseResultsReadTheClockIsCaughtAtTheFirstDivergentIndex(long seed) {
        Simulation sim = new Simulation(Simulation.Options.scripted(seed, 3, 2 * SECOND, 2 * SECOND)
                .with(Simulation.Workload.CLOCK_IN_RESULT).withoutOracles());
        Simulation.Result result = sim.run();
        DivergenceException divergence = result.divergence();
        assertNotNull(divergence, () -> "no replica noticed: " + describe(result));
        System.out.println("KernelSimulationTest: " + divergence.getMessage());
        assertTrue(!divergence.stateDivergence());
        assertEquals(sim.firstDigestMismatch(), divergence.index(),
                "the guard names the first index where any two replicas' outcomes differ");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42})
    void anApplicationThatHidesTheClockInItsStateIsCaughtAtTheNextSnapshot(long seed) {
        Simulation sim = new Simulation(Simulation.Options.scripted(seed, 3, 3 * SECOND, 2 * SECOND)
                .with(Simulation.Workload.CLOCK_IN_STATE).withoutOracles());
        Simulation.Result result = sim.run();
        DivergenceException divergence = result.divergence();
        assertNotNull(divergence, () -> "no replica noticed: " + describe(result));
        System.out.println("KernelSimulationTest: " + divergence.getMessage());
        assertTrue(divergence.stateDivergence());
        assertEquals(-1, sim.firstDigestMismatch(), "every outcome agreed: only the state hash could tell");
    }
}
