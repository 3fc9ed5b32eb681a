package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SnapshotStoreTest {
    private static final UUID CLUSTER = new UUID(21, 22);

    private static SnapshotMeta meta(long index) {
        return new SnapshotMeta(CLUSTER, 3, index, 2, Hash.sha256(("entry " + index).getBytes(StandardCharsets.UTF_8)),
                1_000 * index);
    }

    private static byte[] body(long index, int size) {
        byte[] body = new byte[size];
        new Random(index).nextBytes(body);
        return body;
    }

    @Test
    void aSnapshotIsReadBackVerifiedWithItsMetadata() {
        MemoryDisk disk = new MemoryDisk();
        SnapshotStore store = new SnapshotStore(disk);
        store.write(meta(41), body(41, 10_000));
        Snapshot snapshot = store.read(41);
        assertEquals(meta(41), snapshot.meta());
        assertArrayEquals(body(41, 10_000), snapshot.body());
        assertEquals(Hash.sha256(body(41, 10_000)), snapshot.bodyHash());
        assertEquals(List.of(41L), store.indices());
    }

    @Test
    void aLargeBodyIsSyncedAsItIsWrittenNotAllAtTheCommit() {
        CountingDisk disk = new CountingDisk(new MemoryDisk());
        SnapshotStore store = new SnapshotStore(disk);
        byte[] piece = body(9, 1 << 20);
        try (SnapshotStore.Writer writer = store.begin(meta(9))) {
            for (int i = 0; i < 20; i++) {
                writer.write(ByteBuffer.wrap(piece));
            }
            assertEquals(20 / (SnapshotStore.SYNC_EVERY_BYTES >> 20), disk.fileBarriers(),
                    "a barrier after each 8 MiB written");
            writer.commit();
        }
        assertEquals(3, disk.fileBarriers(), "and the commit's own");
        assertEquals(20L << 20, store.read(9).body().length);
    }

    @Test
    void aBodyCanBeStreamedInPieces() {
        SnapshotStore store = new SnapshotStore(new MemoryDisk());
        byte[] body = body(7, 5000);
        try (SnapshotStore.Writer writer = store.begin(meta(7))) {
            for (int offset = 0; offset < body.length; offset += 1234) {
                writer.write(ByteBuffer.wrap(body, offset, Math.min(1234, body.length - offset)));
            }
            writer.commit();
        }
        assertArrayEquals(body, store.read(7).body());
    }

    @Test
    void anAbandonedSnapshotLeavesNothing() {
        MemoryDisk disk = new MemoryDisk();
        SnapshotStore store = new SnapshotStore(disk);
        try (SnapshotStore.Writer writer = store.begin(meta(9))) {
            writer.write(ByteBuffer.wrap(body(9, 100)));
        }
        assertTrue(disk.list().isEmpty(), disk.list().toString());
    }

    @Test
    void everyCorruptionIsDetectedAndTheNewestIntactSnapshotIsUsed() {
        MemoryDisk disk = new MemoryDisk();
        SnapshotStore store = new SnapshotStore(disk);
        store.write(meta(10), body(10, 300));
        store.write(meta(20), body(20, 300));
        String newest = SnapshotStore.fileName(20);
        long size = disk.size(newest);
        for (long position = 0; position < size; position += 5) {
            MemoryDisk copy = disk.copy();
            copy.flipBit(newest, position, (int) (position % 8));
            SnapshotStore damaged = new SnapshotStore(copy);
            assertThrows(StorageCorruptionException.class, () -> damaged.read(20), "byte " + position);
            List<StorageCorruptionException> reported = new ArrayList<>();
            Snapshot latest = damaged.latest(reported::add).orElseThrow();
            assertEquals(10, latest.meta().index());
            assertEquals(1, reported.size());
            assertTrue(reported.getFirst().getMessage().contains(newest), reported.getFirst().getMessage());
        }
    }

    @Test
    void aCrashWhileWritingNeverLeavesAPartialSnapshot() {
        long operations;
        {
            FaultyDisk disk = new FaultyDisk(new MemoryDisk(), 0, FaultModel.CRASH_ONLY);
            new SnapshotStore(disk).write(meta(5), body(5, 20_000));
            operations = disk.operations();
        }
        for (long crashPoint = 1; crashPoint <= operations; crashPoint++) {
            for (long seed = 0; seed < 4; seed++) {
                MemoryDisk medium = new MemoryDisk();
                FaultyDisk setup = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
                new SnapshotStore(setup).write(meta(1), body(1, 100));
                setup.crash();
                FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
                disk.crashAtOperation(disk.operations() + crashPoint);
                try {
                    new SnapshotStore(disk).write(meta(5), body(5, 20_000));
                    disk.crash();
                } catch (SimulatedCrash expected) {
                    // Crashed mid-write.
                }
                SnapshotStore reopened = new SnapshotStore(new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY));
                for (long index : reopened.indices()) {
                    Snapshot snapshot = reopened.read(index);
                    assertArrayEquals(body(index, index == 1 ? 100 : 20_000), snapshot.body());
                }
                assertTrue(reopened.indices().contains(1L), "an older snapshot must survive");
                assertTrue(medium.list().stream().noneMatch(name -> name.endsWith(".tmp")),
                        "temporary files are removed on open: " + medium.list());
            }
        }
    }

    @Test
    void olderSnapshotsCanBeDeleted() {
        SnapshotStore store = new SnapshotStore(new MemoryDisk());
        for (long index : new long[] {3, 8, 13}) {
            store.write(meta(index), body(index, 10));
        }
        store.deleteBefore(13);
        assertEquals(List.of(13L), store.indices());
    }

    @Test
    void aSnapshotTravelsInChunksAndIsVerifiedAgainstTheAnnouncedHash() {
        SnapshotStore source = new SnapshotStore(new MemoryDisk());
        byte[] body = body(12, 10_000);
        source.write(meta(12), body);
        SnapshotInfo info = source.info(12);
        assertEquals(new SnapshotInfo(meta(12), 10_000, Hash.sha256(body)), info);

        SnapshotStore target = new SnapshotStore(new MemoryDisk());
        try (SnapshotStore.Writer writer = target.begin(info.meta())) {
            while (writer.length() < info.bodyBytes()) {
                writer.write(ByteBuffer.wrap(source.readChunk(12, writer.length(), 3000)));
            }
            assertEquals(info.bodyHash(), writer.commit(info.bodyHash()));
        }
        assertArrayEquals(body, target.read(12).body());
        assertEquals(null, source.readChunk(13, 0, 100), "no such snapshot");

        SnapshotStore tampered = new SnapshotStore(new MemoryDisk());
        try (SnapshotStore.Writer writer = tampered.begin(info.meta())) {
            byte[] altered = body.clone();
            altered[5000] ^= 1;
            writer.write(ByteBuffer.wrap(altered));
            assertThrows(StorageCorruptionException.class, () -> writer.commit(info.bodyHash()));
        }
        assertEquals(List.of(), tampered.indices(), "a body that fails the announced hash never becomes a snapshot");
    }
}
