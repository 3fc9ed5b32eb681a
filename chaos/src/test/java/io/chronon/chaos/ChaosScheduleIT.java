package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.chronon.testkit.History;
import org.junit.jupiter.api.Test;

/**
 * The bounded chaos schedule CI runs (about three minutes): the key-value register on 3 nodes, the
 * bank on 3 nodes with PostgreSQL, and the register on 5 nodes, each 25 s of clients under faults
 * from a fresh seed (printed; rerun one with the command in docs/testing.md). Every checker must
 * pass, every schedule must have injected faults and served clients, and the recorded history must
 * be one the checker would refuse if a single read were forged.
 */
class ChaosScheduleIT {
    @Test
    void threeSchedulesOfFaultsFindNoAnomaly() throws Exception {
        long seed = new Random().nextLong() & 0xffff_ffffL;
        System.out.println("ChaosScheduleIT seed " + seed);
        Path out = Path.of("target/chaos-it");
        ChaosOptions options = new ChaosOptions(3, seed, 1, List.of(3, 5), List.of(Workload.KV, Workload.BANK),
                Duration.ofSeconds(25), 4, out, Path.of(System.getProperty("chronon.node.jar")));
        List<RunSummary> summaries = ChaosCommand.run(options);

        assertEquals(List.of("kv/3", "bank/3", "kv/5"),
                summaries.stream().map(s -> s.workload() + "/" + s.nodes()).toList());
        for (RunSummary summary : summaries) {
            assertEquals(List.of(), summary.anomalies(), summary.line());
            assertEquals(List.of(), summary.nemesisProblems(), summary.line());
            assertFalse(summary.faults().isEmpty(), "faults were injected: " + summary.line());
            assertTrue(summary.ok() > 200, "the clients were served: " + summary.line());
            Path directory = Path.of(summary.directory());
            assertTrue(Files.readString(directory.resolve(ChaosRun.TIMELINE_FILE)).contains(summary.faults().getFirst()
                    .replace("<", "&lt;").replace(">", "&gt;")), "the timeline marks the faults");
        }
        assertEquals(3, summaries.get(1).checks().size(), "the bank run was checked for invariants, rows and logs");

        List<History.Operation> recorded = History.operations(History.read(Path.of(summaries.getFirst().directory())
                .resolve(ChaosRun.HISTORY_FILE)));
        History.Operation read = recorded.stream()
                .filter(op -> op.invoke().operation().equals("get") && op.completion() instanceof History.Ok)
                .findFirst().orElseThrow(() -> new AssertionError("no read completed"));
        List<History.Event> forged = new ArrayList<>();
        for (History.Operation operation : recorded) {
            forged.add(operation.invoke());
            if (operation == read) {
                forged.add(new History.Ok(read.invoke().op(), read.invoke().process(), "get",
                        "{\"key\":\"k0\",\"value\":\"never-written\"}", read.completion().nanos()));
            } else if (operation.completion() != null) {
                forged.add(operation.completion());
            }
        }
        assertFalse(KvLinearizability.check(History.operations(forged), Duration.ofSeconds(60)).passed(),
                "the recorded history with one forged read is refused");
    }
}
