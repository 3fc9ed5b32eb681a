package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class DataDirectoryTest {
    private static final LogOptions OPTIONS = new LogOptions(32 * 1024, 8 * 1024, 1024);
    private static final UUID CLUSTER = new UUID(100, 1);
    private static final UUID CLIENT = new UUID(0, 9);

    private static Supplier<UUID> ids() {
        AtomicLong next = new AtomicLong();
        return () -> new UUID(200, next.incrementAndGet());
    }

    private static DataDirectory open(Disk disk) {
        return DataDirectory.open(disk, OPTIONS, () -> CLUSTER, ids());
    }

    @Test
    void anEmptyDirectoryIsBootstrappedOnceForANewCluster() {
        MemoryDisk disk = new MemoryDisk();
        DataDirectory first = open(disk);
        assertTrue(first.bootstrapped());
        assertEquals(ManifestState.bootstrap(CLUSTER), first.manifest().state());
        assertEquals(-1, first.log().lastIndex());
        first.log().append(0, 1, CLIENT, 1, "hello".getBytes(StandardCharsets.UTF_8));
        first.log().barrier();
        first.close();
        DataDirectory second = DataDirectory.open(disk, OPTIONS, () -> new UUID(9, 9), ids());
        assertFalse(second.bootstrapped());
        assertEquals(CLUSTER, second.manifest().state().clusterId(), "the cluster id is never replaced");
        assertEquals(0, second.log().durableIndex());
        assertEquals(List.of(), second.findings());
    }

    @Test
    void aCrashDuringBootstrapLeavesEitherNothingOrACompleteDirectory() {
        FaultyDisk dry = new FaultyDisk(new MemoryDisk(), 0, FaultModel.CRASH_ONLY);
        open(dry);
        long operations = dry.operations();
        for (long crashPoint = 1; crashPoint <= operations; crashPoint++) {
            for (long seed = 0; seed < 5; seed++) {
                MemoryDisk medium = new MemoryDisk();
                FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
                disk.crashAtOperation(crashPoint);
                try {
                    open(disk);
                    disk.crash();
                } catch (SimulatedCrash expected) {
                    // Crashed inside the bootstrap.
                }
                DataDirectory reopened = open(new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY));
                assertEquals(CLUSTER, reopened.manifest().state().clusterId());
                assertEquals(List.of(), reopened.damage(), "crash point " + crashPoint);
                reopened.log().append(0, 1, CLIENT, 1, new byte[] {1});
                reopened.log().barrier();
            }
        }
    }

    @Test
    void aLostLastBatchIsCaughtByTheManifestsCommitIndex() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        DataDirectory directory = open(disk);
        Log log = directory.log();
        log.append(1, 0, CLIENT, 1, new byte[] {1});
        log.barrier();
        log.append(1, 0, CLIENT, 2, new byte[] {2});
        disk.loseWritesAtNextBarrier();
        log.barrier();
        directory.manifest().update(directory.manifest().state().withCommitIndex(1));
        disk.crash();
        DataDirectory reopened = open(new FaultyDisk(medium, 2, FaultModel.CRASH_ONLY));
        assertEquals(List.of(new RecoveryFinding.CommittedEntriesMissing(1, 1)), reopened.damage());
    }

    @Test
    void entriesBetweenTheNewestSnapshotAndTheLogAreReportedMissing() {
        MemoryDisk disk = new MemoryDisk();
        DataDirectory directory = open(disk);
        Log log = directory.log();
        for (int i = 0; i < 4; i++) {
            log.append(1, 0, CLIENT, i, new byte[] {(byte) i});
        }
        log.barrier();
        Entry second = log.read(1);
        directory.snapshots().write(new SnapshotMeta(CLUSTER, 1, 1, 1, second.hash(), 0), new byte[] {42});
        directory.close();
        assertEquals(List.of(), open(disk).damage(), "a snapshot inside the log is consistent");

        MemoryDisk skewed = disk.copy();
        new SnapshotStore(skewed).write(new SnapshotMeta(CLUSTER, 1, 2, 1, second.hash(), 0), new byte[] {42});
        assertEquals(List.of(new RecoveryFinding.SnapshotDisagreesWithLog(2)), open(skewed).damage());

        MemoryDisk based = new MemoryDisk();
        Log.create(based, OPTIONS, new UUID(5, 5), 100, Hash.ZERO).close();
        Manifest.create(based, ManifestState.bootstrap(CLUSTER));
        assertEquals(List.of(new RecoveryFinding.GapBeforeLog(0, 99)), open(based).damage());
    }

    @Test
    void inconsistentDirectoriesAreRefusedWithAClearMessage() {
        MemoryDisk manifestOnly = new MemoryDisk();
        Manifest.create(manifestOnly, ManifestState.bootstrap(CLUSTER));
        assertTrue(assertThrows(StorageCorruptionException.class, () -> open(manifestOnly)).getMessage()
                .contains("the log is gone"));

        MemoryDisk logOnly = new MemoryDisk();
        Log log = Log.create(logOnly, OPTIONS, new UUID(5, 5));
        log.append(1, 0, CLIENT, 1, new byte[] {1});
        log.barrier();
        assertTrue(assertThrows(StorageCorruptionException.class, () -> open(logOnly)).getMessage()
                .contains("no manifest"));

        MemoryDisk foreign = new MemoryDisk();
        DataDirectory directory = open(foreign);
        directory.log().append(1, 0, CLIENT, 1, new byte[] {1});
        directory.log().barrier();
        directory.snapshots().write(new SnapshotMeta(new UUID(7, 7), 1, 0, 1, directory.log().read(0).hash(), 0),
                new byte[] {1});
        assertTrue(assertThrows(StorageCorruptionException.class, () -> open(foreign)).getMessage()
                .contains("belongs to cluster"));
    }

    @Test
    void theLogRestartsAfterASnapshotAndACrashMidwayContinuesFromTheSnapshot() {
        MemoryDisk disk = new MemoryDisk();
        DataDirectory directory = open(disk);
        for (int i = 0; i < 3; i++) {
            directory.log().append(1, 0, CLIENT, i, new byte[] {(byte) i});
        }
        directory.log().barrier();
        Hash received = Hash.sha256("entry 40 of the cluster's log".getBytes(StandardCharsets.UTF_8));
        SnapshotMeta snapshot = new SnapshotMeta(CLUSTER, 1, 40, 3, received, 77);
        directory.snapshots().write(snapshot, new byte[] {4, 0});
        directory.manifest().update(directory.manifest().state().withCommitIndex(40));

        MemoryDisk midway = disk.copy();
        Log restarted = directory.restartLogAfter(snapshot, new UUID(3, 3));
        assertEquals(41, restarted.firstIndex());
        assertEquals(received, restarted.lastHash());
        restarted.append(3, 0, CLIENT, 9, new byte[] {9});
        restarted.barrier();
        directory.close();
        DataDirectory reopened = open(disk);
        assertEquals(List.of(), reopened.damage());
        assertEquals(41, reopened.log().firstIndex());
        assertEquals(received, reopened.log().read(41).previousHash());
        reopened.close();

        for (String name : midway.list()) {
            if (Segment.numberOf(name) >= 0) {
                midway.delete(name);
            }
        }
        DataDirectory afterCrash = open(midway);
        assertEquals(List.of(new RecoveryFinding.LogMissing(41)), afterCrash.damage(),
                "what the lost log held after the snapshot must come from peers");
        assertEquals(41, afterCrash.log().firstIndex());
        assertEquals(received, afterCrash.log().lastHash());
    }

    private static void removeSegments(MemoryDisk disk) {
        for (String name : disk.list()) {
            if (Segment.numberOf(name) >= 0) {
                disk.delete(name);
            }
        }
    }

    @Test
    void aRecoveringReplicaWhoseLogWasBeingReplacedFromScratchGoesOnWithAnEmptyLog() {
        MemoryDisk disk = new MemoryDisk();
        DataDirectory.open(disk, LogOptions.DEFAULTS, () -> new UUID(1, 1), () -> new UUID(2, 2), true).close();
        removeSegments(disk);
        try (DataDirectory reopened = DataDirectory.open(disk, LogOptions.DEFAULTS, () -> new UUID(9, 9),
                () -> new UUID(3, 3))) {
            assertEquals(List.of(new RecoveryFinding.LogMissing(0)), reopened.damage());
            assertEquals(0, reopened.log().firstIndex());
            assertTrue(reopened.manifest().state().recovering());
        }
    }

    @Test
    void aLogGoneWithoutSnapshotOrRecoveryIsDamage() {
        MemoryDisk disk = new MemoryDisk();
        DataDirectory.open(disk, LogOptions.DEFAULTS, () -> new UUID(1, 1), () -> new UUID(2, 2)).close();
        removeSegments(disk);
        assertThrows(StorageCorruptionException.class, () -> DataDirectory.open(disk, LogOptions.DEFAULTS,
                () -> new UUID(9, 9), () -> new UUID(3, 3)));
    }
}
