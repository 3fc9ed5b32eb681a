package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class LogTest {
    static final LogOptions SMALL = new LogOptions(64 * 1024, 16 * 1024, 4 * 1024);
    static final UUID LOG_ID = new UUID(1, 2);
    static final UUID CLIENT = new UUID(7, 9);

    static byte[] payload(long index) {
        return ("command-" + index).getBytes(StandardCharsets.UTF_8);
    }

    static Log reopen(Disk disk) {
        LogRecovery recovery = Log.open(disk, SMALL).orElseThrow();
        assertTrue(recovery.intact(), () -> "unexpected damage: " + recovery.findings());
        return recovery.log();
    }

    @Test
    void appendedEntriesAreReadableOnlyOnceDurable() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        assertEquals(-1, log.lastIndex());
        assertEquals(-1, log.durableIndex());
        Entry first = log.append(1, 1000, CLIENT, 1, payload(0));
        assertEquals(0, first.index());
        assertEquals(Hash.ZERO, first.previousHash());
        assertEquals(0, log.lastIndex());
        assertEquals(-1, log.durableIndex());
        EntryUnavailableException notYet = assertThrows(EntryUnavailableException.class, () -> log.read(0));
        assertEquals(EntryUnavailableException.Reason.NOT_DURABLE, notYet.reason());
        assertEquals(0, log.barrier());
        Entry read = log.read(0);
        assertEquals(first, read);
        assertEquals(1, read.view());
        assertEquals(1000, read.timestamp());
        assertEquals(CLIENT, read.client());
        assertEquals(1, read.requestNumber());
        assertArrayEquals(payload(0), read.payload());
    }

    @Test
    void entriesChainAndSurviveReopening() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            written.add(log.append(1 + i / 50, i, CLIENT, i + 1, payload(i)));
            if (i % 7 == 6) {
                log.barrier();
            }
        }
        log.barrier();
        for (int i = 1; i < written.size(); i++) {
            assertEquals(written.get(i - 1).hash(), written.get(i).previousHash());
        }
        log.close();
        Log reopened = reopen(disk);
        assertEquals(0, reopened.firstIndex());
        assertEquals(199, reopened.durableIndex());
        assertEquals(written.getLast().hash(), reopened.lastHash());
        assertEquals(4, reopened.lastView());
        try (LogReader reader = reopened.reader(0, 199)) {
            for (Entry expected : written) {
                assertEquals(expected, reader.next());
            }
            assertFalse(reader.hasNext());
        }
        Entry next = reopened.append(4, 500, CLIENT, 201, payload(200));
        assertEquals(200, next.index());
        assertEquals(written.getLast().hash(), next.previousHash());
    }

    @Test
    void segmentsRollOverAndStayPreallocated() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        byte[] big = new byte[3000];
        for (int i = 0; i < 100; i++) {
            log.append(1, i, CLIENT, i, big);
            log.barrier();
        }
        List<String> segments = disk.list().stream().filter(name -> name.startsWith("log-")).toList();
        assertTrue(segments.size() > 1, "expected several segments, got " + segments);
        for (String segment : segments) {
            assertEquals(SMALL.segmentBytes(), disk.size(segment), segment + " is not preallocated");
        }
        Log reopened = reopen(disk);
        assertEquals(99, reopened.durableIndex());
    }

    @Test
    void groupCommitUsesOneBarrierPerBatch() {
        for (int batchSize : new int[] {1, 3, 8, 64}) {
            CountingDisk disk = new CountingDisk(new MemoryDisk());
            // Segments large enough that no new segment (whose creation costs a barrier) is needed.
            Log log = Log.create(disk, new LogOptions(8 << 20, 256 * 1024, 1024), LOG_ID);
            long before = disk.fileBarriers();
            int entries = 500;
            for (int i = 0; i < entries; i++) {
                log.append(1, i, CLIENT, i, payload(i));
                if ((i + 1) % batchSize == 0) {
                    log.barrier();
                }
            }
            log.barrier();
            long used = disk.fileBarriers() - before;
            long bound = (entries + batchSize - 1) / batchSize;
            assertTrue(used <= bound, batchSize + ": " + used + " barriers for " + entries + " entries > " + bound);
            assertEquals(bound, log.barrierCount());
        }
    }

    @Test
    void anEmptyBarrierDoesNoIo() {
        CountingDisk disk = new CountingDisk(new MemoryDisk());
        Log log = Log.create(disk, SMALL, LOG_ID);
        long before = disk.fileBarriers();
        assertEquals(-1, log.barrier());
        assertEquals(before, disk.fileBarriers());
    }

    @Test
    void aFullPendingBatchAsksForABarrier() {
        Log log = Log.create(new MemoryDisk(), SMALL, LOG_ID);
        byte[] payload = new byte[4000];
        int appended = 0;
        while (log.fits(payload.length)) {
            log.append(1, 0, CLIENT, appended, payload);
            appended++;
        }
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> log.append(1, 0, CLIENT, 99, payload));
        assertTrue(full.getMessage().contains("call barrier() first"), full.getMessage());
        log.barrier();
        log.append(1, 0, CLIENT, 99, payload);
    }

    @Test
    void payloadsOutsideTheLimitsGetTheSameErrorOnEveryPath() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        log.append(1, 0, CLIENT, 1, payload(0));
        log.barrier();
        for (byte[] bad : new byte[][] {new byte[0], new byte[SMALL.maxPayloadBytes() + 1]}) {
            String expected = "an entry payload must have between 1 and " + SMALL.maxPayloadBytes() + " bytes, not "
                    + bad.length;
            List<IllegalArgumentException> errors = List.of(
                    assertThrows(IllegalArgumentException.class, () -> log.append(1, 0, CLIENT, 2, bad)),
                    assertThrows(IllegalArgumentException.class,
                            () -> log.append(Entry.create(1, 1, 0, CLIENT, 2, bad, log.lastHash()))),
                    assertThrows(IllegalArgumentException.class,
                            () -> log.repair(List.of(Entry.create(0, 1, 0, CLIENT, 1, bad, Hash.ZERO)))),
                    assertThrows(IllegalArgumentException.class, () -> SMALL.checkPayload(bad.length)));
            for (IllegalArgumentException error : errors) {
                assertEquals(expected, error.getMessage());
            }
        }
        assertEquals(0, log.lastIndex());
    }

    @Test
    void appendRefusesEntriesThatDoNotChain() {
        Log log = Log.create(new MemoryDisk(), SMALL, LOG_ID);
        Entry first = log.append(2, 0, CLIENT, 1, payload(0));
        assertThrows(IllegalArgumentException.class,
                () -> log.append(Entry.create(1, 2, 0, CLIENT, 2, payload(1), Hash.ZERO)));
        assertThrows(IllegalArgumentException.class,
                () -> log.append(Entry.create(2, 2, 0, CLIENT, 2, payload(1), first.hash())));
        assertThrows(IllegalArgumentException.class,
                () -> log.append(Entry.create(1, 1, 0, CLIENT, 2, payload(1), first.hash())));
        log.append(Entry.create(1, 2, 0, CLIENT, 2, payload(1), first.hash()));
        assertEquals(1, log.lastIndex());
    }

    @Test
    void truncateAfterRemovesDurableAndPendingEntries() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(log.append(1, i, CLIENT, i, payload(i)));
        }
        log.barrier();
        log.append(1, 10, CLIENT, 10, payload(10));
        log.truncateAfter(5);
        assertEquals(5, log.lastIndex());
        assertEquals(5, log.durableIndex());
        assertEquals(written.get(5).hash(), log.lastHash());
        assertThrows(EntryUnavailableException.class, () -> log.read(6));
        Entry replacement = log.append(2, 99, CLIENT, 100, "replacement".getBytes(StandardCharsets.UTF_8));
        assertEquals(6, replacement.index());
        assertEquals(written.get(5).hash(), replacement.previousHash());
        log.barrier();
        Log reopened = reopen(disk);
        assertEquals(6, reopened.durableIndex());
        assertEquals(replacement, reopened.read(6));
        assertEquals(written.get(5), reopened.read(5));
    }

    @Test
    void truncatingOnlyPendingEntriesNeedsNoBarrier() {
        CountingDisk disk = new CountingDisk(new MemoryDisk());
        Log log = Log.create(disk, SMALL, LOG_ID);
        Entry kept = log.append(1, 0, CLIENT, 0, payload(0));
        log.barrier();
        log.append(1, 1, CLIENT, 1, payload(1));
        log.append(1, 2, CLIENT, 2, payload(2));
        long barriers = disk.fileBarriers();
        log.truncateAfter(0);
        assertEquals(barriers, disk.fileBarriers());
        assertEquals(kept.hash(), log.lastHash());
        assertEquals(0, log.lastIndex());
    }

    @Test
    void truncateEverythingThenStartAgain() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        for (int i = 0; i < 5; i++) {
            log.append(1, i, CLIENT, i, payload(i));
        }
        log.barrier();
        log.truncateAfter(-1);
        assertEquals(-1, log.lastIndex());
        assertEquals(Hash.ZERO, log.lastHash());
        Entry fresh = log.append(3, 0, CLIENT, 0, "fresh".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, fresh.index());
        log.barrier();
        Log reopened = reopen(disk);
        assertEquals(0, reopened.durableIndex());
        assertEquals(fresh, reopened.read(0));
    }

    @Test
    void aLogCanStartAtABaseIndex() {
        MemoryDisk disk = new MemoryDisk();
        Hash base = Hash.sha256("snapshot".getBytes(StandardCharsets.UTF_8));
        Log log = Log.create(disk, SMALL, LOG_ID, 1000, base);
        Entry first = log.append(5, 0, CLIENT, 0, payload(1000));
        assertEquals(1000, first.index());
        assertEquals(base, first.previousHash());
        log.barrier();
        Log reopened = reopen(disk);
        assertEquals(1000, reopened.firstIndex());
        assertEquals(first, reopened.read(1000));
        EntryUnavailableException compacted = assertThrows(EntryUnavailableException.class,
                () -> reopened.read(999));
        assertEquals(EntryUnavailableException.Reason.COMPACTED, compacted.reason());
    }

    @Test
    void compactionDeletesWholeSegmentsAndKeepsTheRestReadable() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        byte[] big = new byte[3000];
        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            written.add(log.append(1, i, CLIENT, i, big));
            log.barrier();
        }
        long segmentsBefore = disk.list().stream().filter(name -> name.startsWith("log-")).count();
        long first = log.compactThrough(60);
        assertTrue(first > 0 && first <= 61, "first index after compaction: " + first);
        long segmentsAfter = disk.list().stream().filter(name -> name.startsWith("log-")).count();
        assertTrue(segmentsAfter < segmentsBefore);
        assertEquals(EntryUnavailableException.Reason.COMPACTED,
                assertThrows(EntryUnavailableException.class, () -> log.read(first - 1)).reason());
        for (long i = first; i < 100; i++) {
            assertEquals(written.get((int) i), log.read(i));
        }
        Log reopened = reopen(disk);
        assertEquals(first, reopened.firstIndex());
        try (LogReader reader = reopened.reader(first, 99)) {
            for (long i = first; i < 100; i++) {
                assertEquals(written.get((int) i), reader.next());
            }
        }
    }

    @Test
    void compactionLeavesWhatAnOpenReaderMayReadInPlace() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        byte[] big = new byte[3000];
        for (int i = 0; i < 60; i++) {
            log.append(1, i, CLIENT, i, big);
            log.barrier();
        }
        String firstSegment = Segment.fileName(0);
        LogReader reader = log.reader(0, 59);
        assertEquals(0, log.compactThrough(40));
        assertTrue(disk.exists(firstSegment), "a segment an open reader needs must not be deleted");
        for (int i = 0; i < 60; i++) {
            assertEquals(i, reader.next().index());
        }
        reader.close();
        assertTrue(log.compactThrough(40) > 0);
        assertFalse(disk.exists(firstSegment), "once the reader is closed, compaction deletes the segment");
    }

    @Test
    void compactionBelowATruncationKeepsTheChain() {
        MemoryDisk disk = new MemoryDisk();
        Log log = Log.create(disk, SMALL, LOG_ID);
        byte[] big = new byte[3000];
        for (int i = 0; i < 30; i++) {
            log.append(1, i, CLIENT, i, big);
            log.barrier();
        }
        log.truncateAfter(20);
        List<Entry> rewritten = new ArrayList<>();
        for (int i = 21; i < 80; i++) {
            rewritten.add(log.append(2, i, CLIENT, i, payload(i)));
            log.barrier();
        }
        long first = log.compactThrough(70);
        Log reopened = reopen(disk);
        assertEquals(first, reopened.firstIndex());
        assertEquals(79, reopened.durableIndex());
        for (long i = first; i < 80; i++) {
            assertEquals(rewritten.get((int) (i - 21)), reopened.read(i));
        }
    }
}
