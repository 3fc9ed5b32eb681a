package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a preparer, the next segment is zero-filled ahead of time: the write that fills a segment
 * only writes the successor's header block, the log reads back the same across segments and
 * restarts, a leftover spare is never taken for part of the log, and a failed preparation fails the
 * log like any failed write.
 */
@Timeout(60)
class LogSegmentPreparationTest {
    private static final UUID LOG_ID = new UUID(3, 4);
    private static final UUID CLIENT = new UUID(5, 6);
    private static final String WRITER = Thread.currentThread().getName();

    /** Runs the preparation only when the test says so, on the test's thread under another name. */
    private static final class ManualPreparer implements java.util.concurrent.Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int runAll() {
            int ran = 0;
            Thread self = Thread.currentThread();
            String name = self.getName();
            self.setName("preparer");
            try {
                while (!tasks.isEmpty()) {
                    tasks.poll().run();
                    ran++;
                }
            } finally {
                self.setName(name);
            }
            return ran;
        }
    }

    private static byte[] payload(long index) {
        byte[] bytes = new byte[1_000];
        bytes[0] = (byte) index;
        bytes[999] = (byte) (index >> 8);
        return bytes;
    }

    /** Appends entries in batches of four until the log has {@code segments} segment files. */
    private static List<Entry> fillUntilSegments(Log log, Disk disk, int segments, List<Entry> written) {
        while (segmentFiles(disk) < segments) {
            for (int i = 0; i < 4; i++) {
                long index = log.lastIndex() + 1;
                written.add(log.append(1, index, CLIENT, index + 1, payload(index)));
            }
            log.barrier();
        }
        return written;
    }

    private static long segmentFiles(Disk disk) {
        return disk.list().stream().filter(name -> Segment.numberOf(name) >= 0).count();
    }

    private static void assertReadsBack(Log log, List<Entry> written) {
        assertEquals(written.getLast().index(), log.durableIndex());
        try (LogReader reader = log.reader(written.getFirst().index(), written.getLast().index())) {
            for (Entry expected : written) {
                assertEquals(expected, reader.next());
            }
            assertFalse(reader.hasNext());
        }
    }

    @Test
    void theWriterOnlyWritesTheHeaderOfAPreparedSegment() {
        CountingDisk disk = new CountingDisk(new MemoryDisk());
        ManualPreparer preparer = new ManualPreparer();
        LogOptions options = LogTest.SMALL.preparingSegmentsOn(preparer);
        Log log = Log.create(disk, options, LOG_ID);
        assertEquals(1, preparer.runAll(), "creating the log starts preparing the next segment");
        assertEquals(options.segmentBytes(), disk.open(Segment.SPARE).size(), "the spare is zero-filled whole");
        assertEquals(options.segmentBytes(), disk.bytesWritten("preparer", Segment.SPARE));

        disk.forgetWrites();
        List<Entry> written = fillUntilSegments(log, disk, 2, new ArrayList<>());
        assertEquals(LogOptions.BLOCK_BYTES, disk.bytesWritten(WRITER, Segment.SPARE),
                "at the rollover the writer wrote the header block into the prepared file, nothing more");
        assertFalse(disk.exists(Segment.SPARE), "the spare became segment 1");
        assertEquals(options.segmentBytes(), disk.open(Segment.fileName(1)).size());

        for (int segments = 3; segments <= 4; segments++) {
            assertEquals(1, preparer.runAll(), "each rollover starts preparing the one after");
            fillUntilSegments(log, disk, segments, written);
        }
        assertReadsBack(log, written);
        log.close();

        LogRecovery recovery = Log.open(disk, LogTest.SMALL).orElseThrow();
        assertTrue(recovery.intact(), () -> "damage: " + recovery.findings());
        assertReadsBack(recovery.log(), written);
    }

    @Test
    void aLargeSpareIsSyncedInStepsWhileItIsFilled() {
        CountingDisk disk = new CountingDisk(new MemoryDisk());
        ManualPreparer preparer = new ManualPreparer();
        LogOptions large = new LogOptions(32L << 20, 1 << 20, 4 * 1024).preparingSegmentsOn(preparer);
        Log.create(disk, large, LOG_ID);
        long before = disk.fileBarriers();
        preparer.runAll();
        assertEquals(4, disk.fileBarriers() - before, "32 MiB synced after each 8 MiB, the last one at the end");
        assertEquals(32L << 20, disk.open(Segment.SPARE).size());
    }

    @Test
    void aSpareLeftByAnEarlierProcessIsReplacedNotRead() {
        MemoryDisk disk = new MemoryDisk();
        ManualPreparer preparer = new ManualPreparer();
        LogOptions options = LogTest.SMALL.preparingSegmentsOn(preparer);
        Log log = Log.create(disk, options, LOG_ID);
        List<Entry> written = fillUntilSegments(log, disk, 1, new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            long index = log.lastIndex() + 1;
            written.add(log.append(1, index, CLIENT, index + 1, payload(index)));
        }
        log.barrier();
        log.close(); // the preparation never ran: the process died first

        try (DiskFile leftover = disk.create(Segment.SPARE)) {
            leftover.write(0, java.nio.ByteBuffer.wrap(new byte[] {42, 42, 42}));
            leftover.barrier();
        }
        ManualPreparer restarted = new ManualPreparer();
        Log reopened = Log.open(disk, LogTest.SMALL.preparingSegmentsOn(restarted)).orElseThrow().log();
        assertReadsBack(reopened, written);
        assertEquals(1, restarted.runAll());
        assertEquals(options.segmentBytes(), disk.open(Segment.SPARE).size(), "the leftover was replaced");
        fillUntilSegments(reopened, disk, 2, written);
        assertEquals(1, restarted.runAll());
        fillUntilSegments(reopened, disk, 3, written);
        assertReadsBack(reopened, written);
    }

    @Test
    void aFailedPreparationFailsTheLogAtTheRollover(@TempDir Path directory) throws Exception {
        // Where the spare should go stands a directory that cannot be deleted: the preparation fails.
        Files.createDirectories(directory.resolve(Segment.SPARE).resolve("in-the-way"));
        FileDisk disk = FileDisk.open(directory, false);
        ManualPreparer preparer = new ManualPreparer();
        Log log = Log.create(disk, LogTest.SMALL.preparingSegmentsOn(preparer), LOG_ID);
        preparer.runAll();
        List<Entry> written = new ArrayList<>();
        DiskFailure failure = assertThrows(DiskFailure.class, () -> fillUntilSegments(log, disk, 2, written),
                "the rollover reports the preparation's failure");
        assertTrue(failure.getMessage().contains(Segment.SPARE), failure.getMessage());
        assertTrue(written.size() > 4, "the first segment was written before: " + written.size());
        assertThrows(DiskFailure.class, () -> log.append(1, 0, CLIENT, 1, payload(0)),
                "a log whose write failed refuses more");
    }

    @Test
    void onRealFilesWithAPreparerThreadTheLogSpansSegmentsAndRecovers(@TempDir Path directory) throws Exception {
        ExecutorService preparer = Executors.newSingleThreadExecutor();
        try {
            FileDisk disk = FileDisk.open(directory, false);
            Log log = Log.create(disk, LogTest.SMALL.preparingSegmentsOn(preparer), LOG_ID);
            List<Entry> written = fillUntilSegments(log, disk, 6, new ArrayList<>());
            assertReadsBack(log, written);
            log.close();
            assertTrue(Files.exists(directory.resolve(Segment.SPARE)), "the next segment was being prepared");

            LogRecovery recovery = Log.open(FileDisk.open(directory, false), LogTest.SMALL).orElseThrow();
            assertTrue(recovery.intact(), () -> "damage: " + recovery.findings());
            assertReadsBack(recovery.log(), written);
        } finally {
            preparer.shutdownNow();
        }
    }
}
