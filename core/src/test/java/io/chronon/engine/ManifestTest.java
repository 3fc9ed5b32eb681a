package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final UUID CLUSTER = new UUID(11, 12);

    @Test
    void aFreshDirectoryHasNoManifest() {
        assertTrue(Manifest.open(new MemoryDisk()).isEmpty());
    }

    @Test
    void updatesAreDurableAndReadBack() {
        MemoryDisk disk = new MemoryDisk();
        Manifest manifest = Manifest.create(disk, ManifestState.bootstrap(CLUSTER));
        assertEquals(ManifestState.bootstrap(CLUSTER), Manifest.open(disk).orElseThrow().state());
        assertFalse(manifest.state().hasCommit(), "nothing is committed at bootstrap");
        ManifestState next = new ManifestState(CLUSTER, 4, 3, 0, false);
        manifest.update(next);
        assertEquals(next, Manifest.open(disk).orElseThrow().state());
        assertTrue(next.hasCommit(), "index 0 committed is not 'nothing committed'");
        assertEquals(List.of(Manifest.FILE), disk.list());
        manifest.update(next.withRecovering(true));
        assertTrue(Manifest.open(disk).orElseThrow().state().recovering(), "the recovering flag is durable");
        assertFalse(ManifestState.bootstrap(CLUSTER).recovering());
        assertTrue(ManifestState.joining(CLUSTER).recovering(), "a replaced disk joins as recovering");
    }

    @Test
    void viewsAndTheCommitIndexNeverGoBackwards() {
        Manifest manifest = Manifest.create(new MemoryDisk(), new ManifestState(CLUSTER, 5, 5, 10, false));
        assertThrows(InvariantViolation.class, () -> manifest.update(new ManifestState(CLUSTER, 4, 4, 10, false)));
        assertThrows(InvariantViolation.class, () -> manifest.update(new ManifestState(CLUSTER, 6, 4, 10, false)));
        assertThrows(InvariantViolation.class, () -> manifest.update(new ManifestState(CLUSTER, 5, 5, 9, false)));
        assertThrows(InvariantViolation.class,
                () -> manifest.update(new ManifestState(new UUID(1, 1), 6, 6, 10, false)));
        assertThrows(InvariantViolation.class, () -> new ManifestState(CLUSTER, 3, 4, 0, false),
                "the last normal view cannot exceed the view");
        assertEquals(new ManifestState(CLUSTER, 5, 5, 10, false), manifest.state());
    }

    @Test
    void aCorruptManifestIsRefusedNotGuessed() {
        MemoryDisk disk = new MemoryDisk();
        Manifest.create(disk, new ManifestState(CLUSTER, 2, 2, 7, false));
        for (int bit = 0; bit < 128 * 8; bit += 13) {
            MemoryDisk copy = disk.copy();
            copy.flipBit(Manifest.FILE, bit / 8, bit % 8);
            StorageCorruptionException error = assertThrows(StorageCorruptionException.class,
                    () -> Manifest.open(copy), "bit " + bit);
            assertTrue(error.getMessage().startsWith("manifest"), error.getMessage());
        }
        MemoryDisk truncated = new MemoryDisk();
        truncated.create(Manifest.FILE).write(0, java.nio.ByteBuffer.wrap(new byte[100]));
        assertThrows(StorageCorruptionException.class, () -> Manifest.open(truncated));
    }

    @Test
    void aCrashAtAnyPointOfAnUpdateLeavesTheOldOrTheNewState() {
        List<ManifestState> states = List.of(
                ManifestState.bootstrap(CLUSTER),
                new ManifestState(CLUSTER, 1, 0, ManifestState.NO_COMMIT, false),
                new ManifestState(CLUSTER, 1, 1, 0, false),
                new ManifestState(CLUSTER, 3, 1, 5, false),
                new ManifestState(CLUSTER, 3, 3, 9, true),
                new ManifestState(CLUSTER, 4, 4, 12, false));
        long operations = runUpdates(new FaultyDisk(new MemoryDisk(), 0, FaultModel.CRASH_ONLY), states, null);
        int sawOld = 0;
        int sawNew = 0;
        for (long crashPoint = 1; crashPoint <= operations; crashPoint++) {
            for (long seed = 0; seed < 8; seed++) {
                MemoryDisk medium = new MemoryDisk();
                FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
                disk.crashAtOperation(crashPoint);
                List<ManifestState> done = new ArrayList<>();
                try {
                    runUpdates(disk, states, done);
                } catch (SimulatedCrash expected) {
                    // The update in flight may or may not have taken effect.
                }
                Optional<Manifest> reopened = Manifest.open(new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY));
                String where = "crash point " + crashPoint + ", seed " + seed;
                if (done.isEmpty()) {
                    if (reopened.isPresent()) {
                        assertEquals(states.getFirst(), reopened.get().state(), where);
                    }
                    continue;
                }
                ManifestState old = done.getLast();
                ManifestState next = states.get(Math.min(done.size(), states.size() - 1));
                ManifestState found = reopened.orElseThrow(() -> new AssertionError(where + ": manifest lost"))
                        .state();
                assertTrue(found.equals(old) || found.equals(next), where + ": " + found);
                if (!old.equals(next)) {
                    if (found.equals(old)) {
                        sawOld++;
                    } else {
                        sawNew++;
                    }
                }
            }
        }
        assertTrue(sawOld > 0 && sawNew > 0, "crashes must hit both sides of the rename: " + sawOld + "/" + sawNew);
    }

    private static long runUpdates(FaultyDisk disk, List<ManifestState> states, List<ManifestState> done) {
        Manifest manifest = Manifest.create(disk, states.getFirst());
        if (done != null) {
            done.add(states.getFirst());
        }
        for (ManifestState state : states.subList(1, states.size())) {
            manifest.update(state);
            if (done != null) {
                done.add(state);
            }
        }
        return disk.operations();
    }
}
