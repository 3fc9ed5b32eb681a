package io.chronon.examples.determinism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Java determinism traps only show across processes (the {@code Set.of} order, identity hash
 * codes are chosen when a JVM starts), so the same seeded log is applied in separate JVMs and
 * their digests and state hashes compared: equal for the examples, different for the trap.
 */
class DeterminismAcrossProcessesTest {
    private static final int ENTRIES = 1000;

    private static String runInNewJvm(String application, long seed) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ReplayDigests.class.getName(), application, Long.toString(seed), Integer.toString(ENTRIES))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the replay finished");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bank", "kv"})
    void theExamplesReachTheSameDigestsAndStatesInEveryProcess(String application) throws Exception {
        long seed = System.nanoTime();
        System.out.println("DeterminismAcrossProcessesTest " + application + " seed " + seed);
        String first = runInNewJvm(application, seed);
        String second = runInNewJvm(application, seed);
        assertEquals(ENTRIES / 100, first.lines().count(), first);
        assertEquals(first, second, "seed " + seed);
        assertEquals(first.lines().toList(), ReplayDigests.run(application, seed, ENTRIES),
                "and the same as in this process");
    }

    /** Set.of's order is salted per JVM: among a few processes, two disagree (all agreeing: about 1 in 10^4). */
    @Test
    void anApplicationIteratingSetOfDivergesBetweenProcesses() throws Exception {
        Set<String> outputs = new HashSet<>();
        List<String> runs = new ArrayList<>();
        for (int run = 0; run < 6 && outputs.size() < 2; run++) {
            String output = runInNewJvm("set-of-trap", 7);
            outputs.add(output);
            runs.add(output.lines().findFirst().orElse(""));
        }
        assertTrue(outputs.size() >= 2, "every process iterated Set.of the same way: " + runs);
    }
}
