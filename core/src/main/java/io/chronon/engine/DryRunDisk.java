package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A view of a disk that reads through and silently discards every change: recovery run on it
 * reports what it would repair (a torn tail to zero, an incomplete segment to remove) without
 * touching the data. For offline inspection tools; never for a running replica.
 */
public final class DryRunDisk implements Disk {
    private final Disk disk;

    public DryRunDisk(Disk disk) {
        this.disk = disk;
    }

    @Override
    public DiskFile create(String name) {
        throw new UnsupportedOperationException("a dry run creates nothing: " + name);
    }

    @Override
    public DiskFile open(String name) {
        DiskFile file = disk.open(name);
        return new DiskFile() {
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
                source.position(source.limit());
            }

            @Override
            public int read(long position, ByteBuffer target) {
                return file.read(position, target);
            }

            @Override
            public void barrier() {}

            @Override
            public void close() {
                file.close();
            }
        };
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
    public void rename(String source, String target) {}

    @Override
    public void delete(String name) {}

    @Override
    public void syncDirectory() {}
}
