package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Storage faults other than crashes: bit rot, lost and misdirected writes, fsync failure. The
 * promise under test is that no acknowledged entry is ever lost or changed silently: recovery either
 * returns it intact or reports it inside a typed {@link RecoveryFinding.Damage}.
 */
class LogFaultTest {
    private static final LogOptions OPTIONS = new LogOptions(32 * 1024, 8 * 1024, 1024);
    private static final UUID LOG_ID = new UUID(5, 6);
    private static final UUID CLIENT = new UUID(1, 1);
    private static final String SEGMENT = Segment.fileName(0);

    /** Writes {@code batches} batches of {@code perBatch} entries; returns them in index order. */
    private static List<Entry> writeBatches(Disk disk, int batches, int perBatch, int payloadBytes) {
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        List<Entry> entries = new ArrayList<>();
        Random random = new Random(batches * 31L + perBatch);
        for (int b = 0; b < batches; b++) {
            for (int e = 0; e < perBatch; e++) {
                byte[] payload = new byte[payloadBytes];
                random.nextBytes(payload);
                entries.add(log.append(1 + b / 2, b * 100L + e, CLIENT, entries.size() + 1, payload));
            }
            log.barrier();
        }
        log.close();
        return entries;
    }

    /** The offset of an entry's bytes in a segment, found by searching for its encoding. */
    private static int offsetOf(MemoryDisk disk, Entry entry) {
        ByteBuffer encoded = ByteBuffer.allocate(entry.encodedBytes());
        entry.encode(encoded);
        byte[] needle = encoded.array();
        byte[] haystack = disk.contents(SEGMENT);
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("entry " + entry.index() + " not found on disk");
    }

    /**
     * Every acknowledged entry is either read back identical or lies in a reported damage range, and
     * every damage range is reported as a typed finding.
     */
    static void assertNothingLostSilently(LogRecovery recovery, List<Entry> acknowledged) {
        Log log = recovery.log();
        List<Log.IndexRange> damaged = log.damagedRanges();
        for (Entry expected : acknowledged) {
            long index = expected.index();
            boolean reported = damaged.stream().anyMatch(r -> r.first() <= index && index <= r.last())
                    || recovery.findings().stream().anyMatch(f -> f instanceof RecoveryFinding.LostTail lost
                            && index >= lost.firstIndex())
                    // With the first segment's header gone, the log cannot tell where it started:
                    // the data directory checks that against the snapshot.
                    || index < log.firstIndex() && recovery.findings().contains(
                            new RecoveryFinding.SegmentHeaderDamaged(Segment.fileName(0)));
            if (reported) {
                continue;
            }
            if (index > log.durableIndex()) {
                fail("acknowledged entry " + index + " vanished without a report; findings " + recovery.findings());
            }
            assertEquals(expected, log.read(index), "entry " + index + " changed without a report");
        }
        for (Log.IndexRange range : damaged) {
            for (long index = range.first(); index <= range.last(); index++) {
                long damagedIndex = index;
                boolean typed = recovery.damage().stream()
                        .anyMatch(d -> d.firstIndex() <= damagedIndex && damagedIndex <= d.lastIndex());
                assertTrue(typed, "damaged entry " + index + " has no finding: " + recovery.findings());
            }
        }
    }

    @Test
    void everySingleBitFlipInASampleOfEntriesIsDetectedAndClassified() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 4, 3, 40);
        // The first entry of the log, one in the middle of a batch, and the very last one: bit rot
        // in the tail must be reported, not mistaken for a torn write.
        for (Entry sample : List.of(entries.getFirst(), entries.get(4), entries.getLast())) {
            int offset = offsetOf(disk, sample);
            int batchLast = (int) (sample.index() / 3 * 3 + 2);
            for (int b = 0; b < sample.encodedBytes(); b++) {
                for (int bit = 0; bit < 8; bit++) {
                    MemoryDisk copy = disk.copy();
                    copy.flipBit(SEGMENT, offset + b, bit);
                    LogRecovery recovery = Log.open(copy, OPTIONS).orElseThrow();
                    String where = "entry " + sample.index() + " byte " + b + " bit " + bit;
                    List<RecoveryFinding.Damage> damage = recovery.damage();
                    assertEquals(1, damage.size(), where + ": " + recovery.findings());
                    RecoveryFinding.ChecksumMismatch mismatch =
                            assertInstanceOf(RecoveryFinding.ChecksumMismatch.class, damage.getFirst(), where);
                    assertEquals(sample.index(), mismatch.firstIndex(), where);
                    long expectedLast = b < Entry.HEADER_BYTES ? batchLast : sample.index();
                    assertEquals(expectedLast, mismatch.lastIndex(), where);
                    assertEquals(EntryUnavailableException.Reason.DAMAGED, assertThrows(
                            EntryUnavailableException.class, () -> recovery.log().read(sample.index())).reason());
                    assertNothingLostSilently(recovery, entries);
                }
            }
        }
    }

    @Test
    void aDamagedBatchHeaderIsRestoredFromItsTrailer() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 3, 2, 100);
        int secondBatch = offsetOf(disk, entries.get(2)) - BatchHeader.BYTES;
        for (int b = 0; b < BatchHeader.BYTES; b += 7) {
            MemoryDisk copy = disk.copy();
            copy.flipBit(SEGMENT, secondBatch + b, b % 8);
            LogRecovery recovery = Log.open(copy, OPTIONS).orElseThrow();
            assertTrue(recovery.intact(), "byte " + b + ": " + recovery.findings());
            assertTrue(recovery.findings().stream().anyMatch(RecoveryFinding.HeaderRestoredFromTrailer.class::isInstance),
                    "byte " + b + ": " + recovery.findings());
            assertNothingLostSilently(recovery, entries);
            assertEquals(5, recovery.log().durableIndex());
        }
    }

    @Test
    void aLostWriteIsReportedWhenALaterBatchProvesItWasDurable() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        List<Entry> acknowledged = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            for (int i = 0; i < 3; i++) {
                acknowledged.add(log.append(1, 0, CLIENT, acknowledged.size(), new byte[200]));
            }
            if (batch == 1) {
                disk.loseWritesAtNextBarrier();
            }
            log.barrier();
        }
        disk.crash();
        LogRecovery recovery = Log.open(new FaultyDisk(medium, 2, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow();
        assertEquals(List.of(new RecoveryFinding.MissingEntries(3, 5, SEGMENT, 3 * 4096)), recovery.damage());
        assertEquals(11, recovery.log().durableIndex());
        assertNothingLostSilently(recovery, acknowledged);
    }

    @Test
    void aLostWriteOfTheLastBatchLooksLikeACleanEndLocally() {
        // Documented limit of local detection: nothing on this disk refers to the lost last batch.
        // The manifest's commit index and the peers catch it (see DataDirectory and docs/storage.md).
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        log.append(1, 0, CLIENT, 0, new byte[10]);
        log.barrier();
        log.append(1, 0, CLIENT, 1, new byte[10]);
        disk.loseWritesAtNextBarrier();
        log.barrier();
        disk.crash();
        LogRecovery recovery = Log.open(new FaultyDisk(medium, 2, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow();
        assertTrue(recovery.intact());
        assertEquals(0, recovery.log().durableIndex());
    }

    @Test
    void aMisdirectedWriteIsReportedWhereItWasMeantAndIgnoredWhereItLanded() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        List<Entry> acknowledged = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            acknowledged.add(log.append(1, 0, CLIENT, batch, new byte[100]));
            if (batch == 1) {
                disk.misdirectWritesAtNextBarrier(3 * 4096);
            }
            log.barrier();
        }
        disk.crash();
        LogRecovery recovery = Log.open(new FaultyDisk(medium, 2, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow();
        assertEquals(List.of(new RecoveryFinding.MissingEntries(1, 1, SEGMENT, 3 * 4096)), recovery.damage());
        assertTrue(recovery.findings().contains(new RecoveryFinding.MisplacedBatch(SEGMENT, 5 * 4096, 1, SEGMENT,
                2 * 4096)), recovery.findings().toString());
        assertNothingLostSilently(recovery, acknowledged);
    }

    @Test
    void aMisdirectedWriteOverAnAcknowledgedBatchDamagesItVisibly() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        List<Entry> acknowledged = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            acknowledged.add(log.append(1, 0, CLIENT, batch, new byte[100]));
            if (batch == 2) {
                disk.misdirectWritesAtNextBarrier(-2 * 4096);
            }
            log.barrier();
        }
        disk.crash();
        LogRecovery recovery = Log.open(new FaultyDisk(medium, 2, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow();
        // Batch 2 landed on batch 0: batch 0 is unreadable (batch 1 proves it was durable) and
        // batch 2 is missing where it belongs (batch 3 proves it).
        assertEquals(List.of(new RecoveryFinding.MissingEntries(0, 0, SEGMENT, 2 * 4096),
                new RecoveryFinding.MissingEntries(2, 2, SEGMENT, 4 * 4096)), recovery.damage());
        assertNothingLostSilently(recovery, acknowledged);
        assertEquals(acknowledged.getLast(), recovery.log().read(3));
    }

    @Test
    void aFailedFsyncIsNeverRetriedAndRecoveryKeepsWhatWasAcknowledged() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 9, FaultModel.CRASH_ONLY);
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        List<Entry> acknowledged = new ArrayList<>();
        acknowledged.add(log.append(1, 0, CLIENT, 0, new byte[50]));
        log.barrier();
        log.append(1, 0, CLIENT, 1, new byte[50]);
        disk.failNextBarrier();
        assertThrows(DiskFailure.class, log::barrier);
        assertThrows(DiskFailure.class, log::barrier, "a failed fsync must not be retried");
        assertThrows(DiskFailure.class, () -> log.append(1, 0, CLIENT, 2, new byte[50]));
        LogRecovery recovery = Log.open(new FaultyDisk(medium, 10, FaultModel.CRASH_ONLY), OPTIONS).orElseThrow();
        assertTrue(recovery.intact(), recovery.findings().toString());
        assertTrue(recovery.log().durableIndex() >= 0);
        assertNothingLostSilently(recovery, acknowledged);
    }

    @Test
    void aDamagedEntryCanBeRepairedFromAPeerCopy() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 3, 3, 64);
        Entry victim = entries.get(4);
        disk.flipBit(SEGMENT, offsetOf(disk, victim) + Entry.HEADER_BYTES + 5, 3);
        LogRecovery recovery = Log.open(disk, OPTIONS).orElseThrow();
        assertEquals(List.of(new Log.IndexRange(4, 4)), recovery.log().damagedRanges());
        Log log = recovery.log();
        assertThrows(IllegalArgumentException.class, () -> log.repair(List.of(entries.get(3))),
                "an intact entry needs no repair");
        Entry forged = Entry.create(4, victim.view(), victim.timestamp(), CLIENT, 99, new byte[64],
                victim.previousHash());
        assertThrows(IllegalArgumentException.class, () -> log.repair(List.of(forged)),
                "an entry that does not link to its successor is refused");
        log.repair(List.of(victim));
        assertEquals(victim, log.read(4));
        assertTrue(log.damagedRanges().isEmpty());
        log.append(2, 0, CLIENT, 10, new byte[5]);
        log.barrier();
        log.close();
        LogRecovery again = Log.open(disk, OPTIONS).orElseThrow();
        assertTrue(again.log().damagedRanges().isEmpty(), again.findings().toString());
        try (LogReader reader = again.log().reader(0, 9)) {
            for (int i = 0; i < 9; i++) {
                assertEquals(entries.get(i), reader.next());
            }
            reader.next();
        }
    }

    @Test
    void rotInEntriesThatWereTruncatedAwayIsNoLongerDamage() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 3, 3, 64);
        disk.flipBit(SEGMENT, offsetOf(disk, entries.get(5)) + Entry.HEADER_BYTES + 1, 2);
        LogRecovery damaged = Log.open(disk, OPTIONS).orElseThrow();
        assertEquals(List.of(new Log.IndexRange(5, 5)), damaged.log().damagedRanges());
        Log log = damaged.log();
        log.truncateAfter(4);
        log.append(2, 0, CLIENT, 50, new byte[] {5});
        log.barrier();
        log.close();
        LogRecovery reopened = Log.open(disk, OPTIONS).orElseThrow();
        assertTrue(reopened.intact(), "the rotten entry was truncated away: " + reopened.findings());
        assertEquals(5, reopened.log().durableIndex());
    }

    /** Found by the simulator (seed 241): the hash before a damaged first entry was unknown. */
    @Test
    void aLogWhoseFirstEntryIsDamagedCanBeTruncatedToNothing() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 2, 2, 64);
        disk.flipBit(SEGMENT, offsetOf(disk, entries.getFirst()) + 3, 1);
        Log log = Log.open(disk, OPTIONS).orElseThrow().log();
        assertEquals(List.of(new Log.IndexRange(0, 1)), log.damagedRanges());
        log.truncateAfter(-1);
        Entry fresh = log.append(3, 0, CLIENT, 9, new byte[] {9});
        assertEquals(Hash.ZERO, fresh.previousHash());
        log.barrier();
        log.close();
        LogRecovery reopened = Log.open(disk, OPTIONS).orElseThrow();
        assertTrue(reopened.intact(), reopened.findings().toString());
        assertEquals(fresh, reopened.log().read(0));
    }

    @Test
    void aReadThatFindsRotMarksTheEntryDamaged() {
        MemoryDisk disk = new MemoryDisk();
        List<Entry> entries = writeBatches(disk, 2, 2, 64);
        Log log = Log.open(disk, OPTIONS).orElseThrow().log();
        disk.flipBit(SEGMENT, offsetOf(disk, entries.get(1)) + Entry.HEADER_BYTES, 0);
        EntryUnavailableException failure = assertThrows(EntryUnavailableException.class, () -> log.read(1));
        assertEquals(EntryUnavailableException.Reason.DAMAGED, failure.reason());
        assertEquals(List.of(new Log.IndexRange(1, 1)), log.damagedRanges());
        assertEquals(entries.get(2), log.read(2));
    }

    static LongStream seeds() {
        return Seeds.range(60);
    }

    /**
     * Random lost writes, misdirected writes and bit flips during a workload, then one clean batch
     * (so that every fault lies before a durable batch) and a crash: nothing acknowledged may be lost
     * or changed without a report.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomStorageFaultsNeverLoseAcknowledgedEntriesSilently(long seed) {
        System.out.println("LogFaultTest seed " + seed);
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, seed, new FaultModel(0.3, 0.3, 0.04, 0.04, 0.04, 0, 0, 0));
        Random random = new Random(seed);
        List<Entry> acknowledged = new ArrayList<>();
        List<Entry> pending = new ArrayList<>();
        Log log = Log.create(disk, OPTIONS, LOG_ID);
        for (int step = 0; step < 80; step++) {
            byte[] payload = new byte[1 + random.nextInt(OPTIONS.maxPayloadBytes())];
            random.nextBytes(payload);
            if (!log.fits(payload.length)) {
                log.barrier();
                acknowledged.addAll(pending);
                pending.clear();
            }
            pending.add(log.append(1, step, CLIENT, step, payload));
            if (random.nextInt(3) == 0) {
                log.barrier();
                acknowledged.addAll(pending);
                pending.clear();
            }
        }
        disk.setFaultModel(FaultModel.CRASH_ONLY);
        pending.add(log.append(1, 80, CLIENT, 80, new byte[] {80}));
        log.barrier();
        acknowledged.addAll(pending);
        disk.crash();
        try {
            LogRecovery recovery = Log.open(new FaultyDisk(medium, seed + 1, FaultModel.CRASH_ONLY), OPTIONS)
                    .orElseThrow();
            assertNothingLostSilently(recovery, acknowledged);
        } catch (AssertionError | RuntimeException | InvariantViolation e) {
            throw new AssertionError("seed " + seed + ", faults " + disk.injectedFaults() + ": " + e.getMessage(), e);
        }
    }
}
