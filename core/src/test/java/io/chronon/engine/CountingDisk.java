package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A disk that counts the barriers issued on its files and directory, and the bytes each thread wrote to each file. */
final class CountingDisk implements Disk {
    private final Disk inner;
    private final AtomicLong fileBarriers = new AtomicLong();
    private final AtomicLong directorySyncs = new AtomicLong();
    private final Map<String, Long> bytesWritten = new ConcurrentHashMap<>();

    CountingDisk(Disk inner) {
        this.inner = inner;
    }

    long fileBarriers() {
        return fileBarriers.get();
    }

    long directorySyncs() {
        return directorySyncs.get();
    }

    /** The bytes the named thread wrote to the named file (under the name the file had when opened). */
    long bytesWritten(String thread, String file) {
        return bytesWritten.getOrDefault(thread + "/" + file, 0L);
    }

    void forgetWrites() {
        bytesWritten.clear();
    }

    @Override
    public DiskFile create(String name) {
        return new Counted(inner.create(name));
    }

    @Override
    public DiskFile open(String name) {
        return new Counted(inner.open(name));
    }

    @Override
    public boolean exists(String name) {
        return inner.exists(name);
    }

    @Override
    public List<String> list() {
        return inner.list();
    }

    @Override
    public void rename(String source, String target) {
        inner.rename(source, target);
    }

    @Override
    public void delete(String name) {
        inner.delete(name);
    }

    @Override
    public void syncDirectory() {
        directorySyncs.incrementAndGet();
        inner.syncDirectory();
    }

    private final class Counted implements DiskFile {
        private final DiskFile file;

        Counted(DiskFile file) {
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
            bytesWritten.merge(Thread.currentThread().getName() + "/" + file.name(), (long) source.remaining(),
                    Long::sum);
            file.write(position, source);
        }

        @Override
        public int read(long position, ByteBuffer target) {
            return file.read(position, target);
        }

        @Override
        public void barrier() {
            fileBarriers.incrementAndGet();
            file.barrier();
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
