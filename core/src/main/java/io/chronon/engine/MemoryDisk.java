package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A storage medium in RAM: a directory of byte arrays.
 *
 * <p>Used directly it is a disk that never crashes: every write lands at once and barriers are
 * free. Its real job is to be the platter under a {@link FaultyDisk}, which adds the volatile cache
 * and the faults; a simulated node that restarts opens a new {@code FaultyDisk} over the same
 * {@code MemoryDisk} and finds exactly what had reached the medium.
 *
 * <p>Tests also corrupt the medium directly ({@link #flipBit}, {@link #overwrite}) to model bit rot.
 */
public final class MemoryDisk implements Disk {
    private final Map<String, Inode> namespace = new TreeMap<>();

    @Override
    public synchronized DiskFile create(String name) {
        if (namespace.containsKey(name)) {
            throw new IllegalStateException("file already exists: " + name);
        }
        Inode inode = new Inode();
        namespace.put(name, inode);
        return new Handle(name, inode);
    }

    @Override
    public synchronized DiskFile open(String name) {
        return new Handle(name, inode(name));
    }

    @Override
    public synchronized boolean exists(String name) {
        return namespace.containsKey(name);
    }

    @Override
    public synchronized List<String> list() {
        return new ArrayList<>(namespace.keySet());
    }

    @Override
    public synchronized void rename(String source, String target) {
        Inode inode = inode(source);
        namespace.remove(source);
        namespace.put(target, inode);
    }

    @Override
    public synchronized void delete(String name) {
        inode(name);
        namespace.remove(name);
    }

    @Override
    public void syncDirectory() {}

    /** A deep copy of the medium, to try several faults on the same starting state. */
    public synchronized MemoryDisk copy() {
        MemoryDisk copy = new MemoryDisk();
        namespace.forEach((name, inode) -> copy.namespace.put(name, inode.copy()));
        return copy;
    }

    /** Flips one bit of a file on the medium: a latent sector error. */
    public synchronized void flipBit(String name, long position, int bit) {
        inode(name).flipBit(position, bit);
    }

    /** Overwrites bytes of a file on the medium, bypassing any cache above it. */
    public synchronized void overwrite(String name, long position, byte[] bytes) {
        inode(name).write(position, ByteBuffer.wrap(bytes));
    }

    public synchronized long size(String name) {
        return inode(name).size();
    }

    /** A copy of a file's bytes on the medium. */
    public synchronized byte[] contents(String name) {
        Inode inode = inode(name);
        return Arrays.copyOf(inode.data, (int) inode.size);
    }

    synchronized Inode inode(String name) {
        Inode inode = namespace.get(name);
        if (inode == null) {
            throw new IllegalStateException("no such file: " + name);
        }
        return inode;
    }

    synchronized Map<String, Inode> namespace() {
        return new TreeMap<>(namespace);
    }

    synchronized void replaceNamespace(Map<String, Inode> replacement) {
        namespace.clear();
        namespace.putAll(replacement);
    }

    /** File contents, independent of the names that refer to them. */
    static final class Inode {
        private byte[] data = new byte[0];
        private long size;

        synchronized long size() {
            return size;
        }

        synchronized Inode copy() {
            Inode copy = new Inode();
            copy.data = Arrays.copyOf(data, (int) size);
            copy.size = size;
            return copy;
        }

        synchronized void write(long position, ByteBuffer source) {
            int length = source.remaining();
            long end = position + length;
            Invariants.check(end <= Integer.MAX_VALUE, "memory files are limited to 2 GiB");
            if (end > data.length) {
                data = Arrays.copyOf(data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
            }
            source.get(data, (int) position, length);
            size = Math.max(size, end);
        }

        synchronized int read(long position, ByteBuffer target) {
            if (position >= size) {
                return target.hasRemaining() ? -1 : 0;
            }
            int length = (int) Math.min(target.remaining(), size - position);
            target.put(data, (int) position, length);
            return length;
        }

        synchronized void flipBit(long position, int bit) {
            Invariants.check(position < size, "bit flip at %s beyond the end %s", position, size);
            data[(int) position] ^= (byte) (1 << bit);
        }
    }

    private static final class Handle implements DiskFile {
        private final String name;
        private final Inode inode;

        Handle(String name, Inode inode) {
            this.name = name;
            this.inode = inode;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            return inode.size();
        }

        @Override
        public void write(long position, ByteBuffer source) {
            inode.write(position, source);
        }

        @Override
        public int read(long position, ByteBuffer target) {
            return inode.read(position, target);
        }

        @Override
        public void barrier() {}

        @Override
        public void close() {}
    }
}
