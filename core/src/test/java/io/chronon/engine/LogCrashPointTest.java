package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash-point property test of the log. For each seed, a random workload (appends, barriers,
 * truncations, compactions, segment rollovers) runs on a {@link FaultyDisk}, crashing once at every
 * mutating disk operation in turn; a crash inside a write cuts it at a random byte, and every write
 * not yet made durable by a barrier is independently lost, torn or kept. Recovery must then return
 * exactly the entries acknowledged by completed barriers, or those plus the batch (or truncation)
 * that was in flight: never less, never anything that was not written, and never damage, since
 * crashes alone must not look like corruption. After recovery the workload goes on and crashes once
 * more at a random point (sometimes inside recovery itself), to prove that a recovered log keeps
 * the same promises.
 */
class LogCrashPointTest {
    private static final LogOptions OPTIONS = new LogOptions(32 * 1024, 8 * 1024, 2 * 1024);
    private static final UUID LOG_ID = new UUID(3, 4);

    static LongStream seeds() {
        return Seeds.range(40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void recoveryReturnsTheAcknowledgedEntriesAndOnlyWhatWasWritten(long seed) {
        System.out.println("LogCrashPointTest seed " + seed);
        Coverage coverage = new Coverage();
        long operations = dryRunOperations(seed);
        for (long crashPoint = 1; crashPoint <= operations; crashPoint++) {
            try {
                crashAndRecover(seed, crashPoint, coverage);
            } catch (AssertionError | RuntimeException | InvariantViolation e) {
                throw new AssertionError("seed " + seed + ", crash at operation " + crashPoint + " of " + operations
                        + ": " + e.getMessage(), e);
            }
        }
        // The test proves something only if the crashes hit the interesting places.
        assertTrue(coverage.tornTails > 0, "no crash left a torn tail");
        assertTrue(coverage.inFlightLost > 0, "no crash lost an in-flight operation");
        assertTrue(coverage.inFlightKept > 0, "no crash kept an in-flight operation");
    }

    /**
     * The scenario VSR needs most: a durable suffix is truncated and replaced by entries with the
     * same indices. Whatever a crash at any point does, the old suffix never comes back once the
     * truncation has returned, and before that it is either whole or gone.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aTruncatedSuffixNeverReappears(long seed) {
        System.out.println("LogCrashPointTest truncation seed " + seed);
        MemoryDisk original = new MemoryDisk();
        Log writer = Log.create(original, OPTIONS, LOG_ID);
        List<Entry> old = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            old.add(writer.append(1, i, new UUID(seed, i), i, new byte[] {(byte) i}));
            if (i % 3 == 2) {
                writer.barrier();
            }
        }
        writer.barrier();
        FaultyDisk dry = new FaultyDisk(original.copy(), seed, FaultModel.CRASH_ONLY);
        Log dryLog = Log.open(dry, OPTIONS).orElseThrow().log();
        long before = dry.operations();
        dryLog.truncateAfter(4);
        replaceSuffix(dryLog, seed);
        long operations = dry.operations() - before;
        for (long crashPoint = 1; crashPoint <= operations; crashPoint++) {
            MemoryDisk medium = original.copy();
            FaultyDisk disk = new FaultyDisk(medium, seed * 13 + crashPoint, FaultModel.CRASH_ONLY);
            Log log = Log.open(disk, OPTIONS).orElseThrow().log();
            disk.crashAtOperation(disk.operations() + crashPoint);
            boolean truncationReturned = false;
            try {
                log.truncateAfter(4);
                truncationReturned = true;
                replaceSuffix(log, seed);
                disk.crash();
            } catch (SimulatedCrash expected) {
                // Crashed during the truncation or the appends after it.
            }
            Log recovered = Log.open(new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow().log();
            String where = "seed " + seed + ", crash point " + crashPoint;
            for (long index = 0; index <= recovered.durableIndex(); index++) {
                Entry entry = recovered.read(index);
                if (index <= 4) {
                    assertEquals(old.get((int) index), entry, where + ": kept entry " + index);
                } else if (truncationReturned) {
                    assertEquals(2, entry.view(), where + ": old entry " + index + " came back after truncation");
                } else {
                    assertEquals(old.get((int) index), entry, where + ": entry " + index);
                }
            }
            if (!truncationReturned) {
                long last = recovered.durableIndex();
                assertTrue(last == 4 || last == 9, where + ": the old suffix is whole or gone, not cut at " + last);
            }
        }
    }

    private static void replaceSuffix(Log log, long seed) {
        for (int i = 5; i < 8; i++) {
            log.append(2, i, new UUID(seed, 100 + i), i, new byte[] {(byte) (100 + i)});
        }
        log.barrier();
    }

    /** What the crashes of one seed exercised. */
    static final class Coverage {
        int tornTails;
        int inFlightLost;
        int inFlightKept;
    }

    private static long dryRunOperations(long seed) {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
        Workload workload = new Workload(new Random(seed), Log.create(disk, OPTIONS, LOG_ID), Model.empty());
        workload.run(60);
        return disk.operations();
    }

    private static void crashAndRecover(long seed, long crashPoint, Coverage coverage) {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, seed * 7919 + crashPoint, FaultModel.CRASH_ONLY);
        disk.crashAtOperation(crashPoint);
        Model model = Model.empty();
        Workload workload = null;
        try {
            workload = new Workload(new Random(seed), Log.create(disk, OPTIONS, LOG_ID), model);
            workload.run(60);
            fail("the workload should have crashed at operation " + crashPoint);
        } catch (SimulatedCrash expected) {
            // The crash point was reached; model.outcomes says what may survive.
        }
        if (workload == null) {
            // The crash hit the creation of the log itself: no log, or an empty one, may remain.
            Log recovered = recover(medium, seed, crashPoint, false, coverage);
            if (recovered != null) {
                assertEquals(-1, recovered.durableIndex(), "a log whose creation crashed holds no entry");
            }
            return;
        }
        Log recovered = recover(medium, seed, crashPoint, false, coverage);
        Model survivor = model.check(recovered);
        if (model.outcomes.size() > 1) {
            if (survivor.durable.size() == model.outcomes.getFirst().size()
                    && survivor.durable.equals(model.outcomes.getFirst())) {
                coverage.inFlightLost++;
            } else {
                coverage.inFlightKept++;
            }
        }

        Random random = new Random(seed ^ crashPoint);
        FaultyDisk second = new FaultyDisk(medium, seed * 31 + crashPoint, FaultModel.CRASH_ONLY);
        Log reopened = recover(second, coverage);
        second.crashAtOperation(second.operations() + 1 + random.nextInt(40));
        try {
            new Workload(random, reopened, survivor).run(20);
        } catch (SimulatedCrash expected) {
            // Crashed again.
        }
        survivor.check(recover(medium, seed, crashPoint, random.nextBoolean(), coverage));
    }

    /**
     * Recovers from the medium on a fresh disk; with {@code crashInside}, the first attempt itself
     * crashes at a random operation and recovery runs again.
     */
    private static Log recover(MemoryDisk medium, long seed, long crashPoint, boolean crashInside,
                               Coverage coverage) {
        if (crashInside) {
            FaultyDisk disk = new FaultyDisk(medium, seed + crashPoint, FaultModel.CRASH_ONLY);
            disk.crashAtOperation(1 + new Random(seed + crashPoint).nextInt(4));
            try {
                Log.open(disk, OPTIONS);
            } catch (SimulatedCrash expected) {
                // Recovery crashed; run it again below.
            }
        }
        return recover(new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY), coverage);
    }

    private static Log recover(FaultyDisk disk, Coverage coverage) {
        return Log.open(disk, OPTIONS).map(recovery -> {
            assertTrue(recovery.intact(), "crashes alone must never be reported as damage: " + recovery.findings());
            coverage.tornTails += (int) recovery.findings().stream()
                    .filter(RecoveryFinding.TornTail.class::isInstance).count();
            return recovery.log();
        }).orElse(null);
    }

    /** The acknowledged entries, and which states a crash in the current operation may leave. */
    static final class Model {
        /** Durable entries by index, from index 0 (compaction does not remove them here). */
        final List<Entry> durable;
        /** Outcomes a crash right now may leave: candidate durable entry lists. */
        final List<List<Entry>> outcomes = new ArrayList<>();
        long firstHigh;

        Model(List<Entry> durable, long first) {
            this.durable = new ArrayList<>(durable);
            this.firstHigh = first;
            outcomes.add(List.copyOf(durable));
        }

        static Model empty() {
            return new Model(List.of(), 0);
        }

        /** A disk operation may change the durable entries to {@code after}. */
        void inFlight(List<Entry> after) {
            outcomes.clear();
            outcomes.add(List.copyOf(durable));
            outcomes.add(List.copyOf(after));
        }

        void completed(List<Entry> after) {
            durable.clear();
            durable.addAll(after);
            outcomes.clear();
            outcomes.add(List.copyOf(durable));
        }

        /** Checks a recovered log against the outcomes and returns the model of what it holds. */
        Model check(Log log) {
            Invariants.check(log != null, "a created log must survive its crashes");
            // Recovery keeps every segment it finds, so the first index may be lower than before
            // a crash (more history, matching what was acknowledged), never higher than compacted.
            long first = log.firstIndex();
            assertTrue(first <= firstHigh, "first index " + first + " above " + firstHigh);
            List<Entry> recovered = new ArrayList<>(durable.subList(0, (int) Math.min(first, durable.size())));
            if (log.durableIndex() >= first) {
                try (LogReader reader = log.reader(first, log.durableIndex())) {
                    while (reader.hasNext()) {
                        recovered.add(reader.next());
                    }
                }
            }
            for (List<Entry> outcome : outcomes) {
                if (outcome.size() == recovered.size() && sameFrom(first, outcome, recovered)) {
                    Hash tail = recovered.isEmpty() ? Hash.ZERO : recovered.getLast().hash();
                    assertEquals(tail, log.lastHash(), "the log's tail hash after recovery");
                    assertEquals(log.durableIndex(), log.lastIndex(), "nothing is pending after recovery");
                    return new Model(recovered, first);
                }
            }
            fail("recovered entries [" + first + ", " + log.durableIndex() + "] match none of the "
                    + outcomes.size() + " acceptable outcomes (sizes " + outcomes.stream().map(List::size).toList()
                    + ")");
            return null;
        }

        private static boolean sameFrom(long first, List<Entry> expected, List<Entry> actual) {
            for (int i = (int) first; i < expected.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A random workload driven by one seed, keeping the model in step with the log. */
    static final class Workload {
        private final Random random;
        private final Log log;
        private final Model model;
        private final List<Entry> pending = new ArrayList<>();
        private long view;

        Workload(Random random, Log log, Model model) {
            this.random = random;
            this.log = log;
            this.model = model;
            this.view = Math.max(1, log.lastView());
        }

        void run(int steps) {
            for (int step = 0; step < steps; step++) {
                int choice = random.nextInt(100);
                if (choice < 55) {
                    appendSome();
                } else if (choice < 85) {
                    barrier();
                } else if (choice < 95) {
                    truncate();
                } else {
                    compact();
                }
            }
        }

        private void appendSome() {
            int count = 1 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                byte[] payload = new byte[1 + random.nextInt(OPTIONS.maxPayloadBytes())];
                random.nextBytes(payload);
                if (!log.fits(payload.length)) {
                    barrier();
                }
                pending.add(log.append(view, random.nextLong(), UUID.randomUUID(), i, payload));
            }
            if (random.nextInt(10) == 0) {
                view++;
            }
        }

        private void barrier() {
            List<Entry> after = new ArrayList<>(model.durable);
            after.addAll(pending);
            model.inFlight(after);
            log.barrier();
            model.completed(after);
            pending.clear();
        }

        private void truncate() {
            long last = log.lastIndex();
            long keep = Math.max(log.firstIndex() - 1, last - 1 - random.nextInt(8));
            int durableKept = (int) Math.min(model.durable.size(), keep + 1);
            List<Entry> after = new ArrayList<>(model.durable.subList(0, durableKept));
            model.inFlight(after);
            log.truncateAfter(keep);
            model.completed(after);
            pending.removeIf(entry -> entry.index() > keep);
            view++;
        }

        private void compact() {
            long durable = log.durableIndex();
            if (durable < log.firstIndex()) {
                return;
            }
            long through = Math.max(log.firstIndex(), durable - random.nextInt(6));
            model.firstHigh = through + 1;
            model.firstHigh = log.compactThrough(through);
        }
    }
}
