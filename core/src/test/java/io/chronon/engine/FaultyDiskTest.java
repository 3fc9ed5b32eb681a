package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FaultyDiskTest {
    private static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] read(DiskFile file, long position, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        file.readFully(position, buffer);
        return buffer.array();
    }

    @Test
    void writesAreVisibleAtOnceButReachTheMediumOnlyAtTheBarrier() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 1, FaultModel.CRASH_ONLY);
        DiskFile file = disk.create("data");
        disk.syncDirectory();
        file.write(0, ByteBuffer.wrap(bytes(100, 7)));
        assertArrayEquals(bytes(100, 7), read(file, 0, 100));
        assertEquals(100, file.size());
        assertEquals(0, medium.size("data"));
        file.barrier();
        assertArrayEquals(bytes(100, 7), medium.contents("data"));
    }

    @Test
    void aCrashLosesTearsOrKeepsEachUnbarrieredWriteIndependently() {
        boolean sawLost = false;
        boolean sawTorn = false;
        boolean sawKept = false;
        for (long seed = 0; seed < 200; seed++) {
            MemoryDisk medium = new MemoryDisk();
            FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
            DiskFile file = disk.create("data");
            disk.syncDirectory();
            file.write(0, ByteBuffer.wrap(bytes(1000, 9)));
            disk.crash();
            long size = medium.size("data");
            sawLost |= size == 0;
            sawTorn |= size > 0 && size < 1000;
            sawKept |= size == 1000;
            byte[] landed = medium.contents("data");
            assertArrayEquals(bytes(landed.length, 9), landed, "a torn write keeps a prefix");
            assertThrows(SimulatedCrash.class, () -> file.write(0, ByteBuffer.wrap(bytes(1, 1))),
                    "a crashed disk refuses every call");
        }
        assertTrue(sawLost && sawTorn && sawKept, sawLost + " " + sawTorn + " " + sawKept);
    }

    @Test
    void namespaceChangesArePendingUntilTheDirectoryIsSynced() {
        boolean sawVanish = false;
        boolean sawSurvive = false;
        for (long seed = 0; seed < 50; seed++) {
            MemoryDisk medium = new MemoryDisk();
            FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
            DiskFile file = disk.create("a");
            file.write(0, ByteBuffer.wrap(bytes(10, 1)));
            file.barrier();
            assertTrue(disk.exists("a"));
            disk.crash();
            sawVanish |= !medium.exists("a");
            sawSurvive |= medium.exists("a");
        }
        assertTrue(sawVanish && sawSurvive);
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 3, FaultModel.CRASH_ONLY);
        disk.create("a");
        disk.syncDirectory();
        disk.crash();
        assertTrue(medium.exists("a"), "a synced create survives");
    }

    @Test
    void aCrashAppliesAPrefixOfThePendingNamespaceOperations() {
        for (long seed = 0; seed < 50; seed++) {
            MemoryDisk medium = new MemoryDisk();
            FaultyDisk disk = new FaultyDisk(medium, seed, FaultModel.CRASH_ONLY);
            disk.create("tmp");
            disk.rename("tmp", "final");
            disk.crash();
            List<String> names = medium.list();
            assertTrue(names.isEmpty() || names.equals(List.of("tmp")) || names.equals(List.of("final")),
                    names.toString());
        }
    }

    @Test
    void aFailedBarrierPoisonsTheDisk() {
        FaultyDisk disk = new FaultyDisk(new MemoryDisk(), 1, FaultModel.CRASH_ONLY);
        DiskFile file = disk.create("data");
        file.write(0, ByteBuffer.wrap(bytes(10, 1)));
        disk.failNextBarrier();
        assertThrows(DiskFailure.class, file::barrier);
        assertThrows(DiskFailure.class, file::barrier);
        assertThrows(DiskFailure.class, () -> file.write(0, ByteBuffer.wrap(bytes(1, 1))));
        assertThrows(DiskFailure.class, disk::syncDirectory);
    }

    @Test
    void aStalledBarrierWaitsThroughTheInjectedSleeper() {
        List<Long> sleeps = new ArrayList<>();
        FaultModel stalls = FaultModel.CRASH_ONLY.withBarrierStall(1.0, 5_000_000_000L);
        FaultyDisk disk = new FaultyDisk(new MemoryDisk(), 1, stalls, sleeps::add);
        DiskFile file = disk.create("data");
        file.write(0, ByteBuffer.wrap(bytes(10, 1)));
        file.barrier();
        assertEquals(1, sleeps.size());
        assertTrue(sleeps.getFirst() > 0 && sleeps.getFirst() <= 5_000_000_000L, sleeps.toString());
    }

    @Test
    void theSameSeedInjectsTheSameFaults() {
        FaultModel faults = new FaultModel(0.3, 0.3, 0.2, 0.2, 0.2, 0, 0, 0);
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            MemoryDisk medium = new MemoryDisk();
            FaultyDisk disk = new FaultyDisk(medium, 42, faults);
            DiskFile file = disk.create("data");
            for (int i = 0; i < 50; i++) {
                file.write(i * 4096L, ByteBuffer.wrap(bytes(4096, i)));
                file.barrier();
            }
            disk.crash();
            runs.add(disk.injectedFaults());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertFalse(runs.get(0).size() <= 1, "faults were injected: " + runs.get(0));
    }

    @Test
    void aScheduledCrashInsideAWriteCutsIt() {
        MemoryDisk medium = new MemoryDisk();
        FaultyDisk disk = new FaultyDisk(medium, 5, FaultModel.CRASH_ONLY);
        DiskFile file = disk.create("data");
        disk.syncDirectory();
        disk.crashAtOperation(disk.operations() + 1);
        assertThrows(SimulatedCrash.class, () -> file.write(0, ByteBuffer.wrap(bytes(1000, 3))));
        assertTrue(medium.size("data") < 1000, "the write was cut");
    }
}
