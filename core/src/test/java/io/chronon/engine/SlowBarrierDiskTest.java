package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SlowBarrierDiskTest {
    private final AtomicLong delay = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();
    private final CountingDisk medium = new CountingDisk(new MemoryDisk());
    private final SlowBarrierDisk disk = new SlowBarrierDisk(medium, delay::get, sleeps::add);

    @Test
    void waitsTheDelayOfTheMomentBeforeEachDurabilityPointAndNeverElse() {
        DiskFile file = disk.create("segment");
        file.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        file.barrier();
        assertEquals(List.of(), sleeps, "no delay set: no wait");

        delay.set(250_000_000L);
        file.write(3, ByteBuffer.wrap(new byte[] {4}));
        ByteBuffer read = ByteBuffer.allocate(4);
        file.read(0, read);
        assertEquals(List.of(), sleeps, "writes and reads are never slowed");
        file.barrier();
        disk.syncDirectory();
        assertEquals(List.of(250_000_000L, 250_000_000L), sleeps);
        assertEquals(2, medium.fileBarriers(), "each barrier still reaches the medium");
        assertEquals(1, medium.directorySyncs());

        delay.set(0);
        disk.open("segment").barrier();
        assertEquals(2, sleeps.size(), "turned off again");
        assertEquals(4, disk.open("segment").size());
    }
}
