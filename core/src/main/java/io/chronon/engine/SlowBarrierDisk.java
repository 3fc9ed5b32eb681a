package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A disk whose durability points are slow: every {@link DiskFile#barrier()} and
 * {@link #syncDirectory()} first waits the current delay, then does the real one. The chaos harness
 * turns it on in a running node (a disk that takes hundreds of milliseconds per fsync, as a failing
 * or saturated device does) to check that a slow replica costs latency, never safety. Reads and
 * speculative writes are untouched: a slow device delays durability, it does not lose data.
 */
public final class SlowBarrierDisk implements Disk {
    private final Disk disk;
    private final LongSupplier delayNanos;
    private final Sleeper sleeper;

    /**
     * @param delayNanos read before each barrier, so the delay can change while the disk is in use;
     *                   zero or less means no delay
     */
    public SlowBarrierDisk(Disk disk, LongSupplier delayNanos, Sleeper sleeper) {
        this.disk = disk;
        this.delayNanos = delayNanos;
        this.sleeper = sleeper;
    }

    private void stall() {
        long delay = delayNanos.getAsLong();
        if (delay > 0) {
            sleeper.sleep(delay);
        }
    }

    @Override
    public DiskFile create(String name) {
        return new SlowFile(disk.create(name));
    }

    @Override
    public DiskFile open(String name) {
        return new SlowFile(disk.open(name));
    }

    @Override
    public boolean exists(String name) {
        return disk.exists(name);
    }

    @Override
    public List<String> list() {
        return disk.list();
    }

    @Override
    public void rename(String source, String target) {
        disk.rename(source, target);
    }

    @Override
    public void delete(String name) {
        disk.delete(name);
    }

    @Override
    public void syncDirectory() {
        stall();
        disk.syncDirectory();
    }

    @Override
    public int directIoAlignment() {
        return disk.directIoAlignment();
    }

    private final class SlowFile implements DiskFile {
        private final DiskFile file;

        SlowFile(DiskFile file) {
            this.file = file;
        }

        @Override
        public String name() {
            return file.name();
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void write(long position, ByteBuffer source) {
            file.write(position, source);
        }

        @Override
        public int read(long position, ByteBuffer target) {
            return file.read(position, target);
        }

        @Override
        public void barrier() {
            stall();
            file.barrier();
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
