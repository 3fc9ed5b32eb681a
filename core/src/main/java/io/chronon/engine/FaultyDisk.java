package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The volatile half of a simulated disk: a page cache over a {@link MemoryDisk} medium, with
 * seeded fault injection. Deterministic: the same seed and the same calls give the same faults.
 *
 * <p>Writes stay in the cache (visible to reads) until the file's barrier moves them to the medium;
 * creates, renames and deletes stay pending until {@link #syncDirectory()}. On a crash, which a test
 * triggers with {@link #crash()} or schedules with {@link #crashAtOperation(long)}, each cached
 * write is lost, torn at a random byte, or lands whole, independently (so later writes may survive
 * earlier ones, as on a real disk), and a random prefix of the pending namespace operations takes
 * effect. After a crash or an injected fsync failure the disk refuses every call; the "restarted
 * process" opens a new {@code FaultyDisk} over the same medium.
 *
 * <p>Faults while running (see {@link FaultModel}): writes lost although their barrier succeeds,
 * misdirected writes, bit flips, fsync failure (EIO) and barrier stalls.
 */
public final class FaultyDisk implements Disk {
    private static final int BLOCK = 4096;

    private final MemoryDisk medium;
    private final SplittableRandom random;
    private final Sleeper sleeper;
    private FaultModel faults;

    private final Map<String, MemoryDisk.Inode> view;
    private final List<NamespaceOp> pendingNamespace = new ArrayList<>();
    private final Map<MemoryDisk.Inode, List<PendingWrite>> pendingWrites = new LinkedHashMap<>();
    private final List<String> injected = new ArrayList<>();

    private long operations;
    private long crashAtOperation = -1;
    private boolean failNextBarrier;
    private boolean loseNextBarrier;
    private long misdirectNextBarrier;
    private boolean crashed;
    private boolean failed;

    public FaultyDisk(MemoryDisk medium, long seed, FaultModel faults) {
        this(medium, seed, faults, Sleeper.SYSTEM);
    }

    public FaultyDisk(MemoryDisk medium, long seed, FaultModel faults, Sleeper sleeper) {
        this.medium = medium;
        // SplittableRandom, not Random: Random's first draws are strongly correlated for neighbouring seeds.
        this.random = new SplittableRandom(seed);
        this.faults = faults;
        this.sleeper = sleeper;
        this.view = medium.namespace();
    }

    /** Mutating operations (writes, barriers, namespace changes) performed so far. */
    public synchronized long operations() {
        return operations;
    }

    /**
     * Crashes when the {@code n}-th mutating operation (counting from 1) is issued. If that
     * operation is a write, it is cut at a random byte and the cut part joins the crash; any other
     * operation does not happen.
     */
    public synchronized void crashAtOperation(long n) {
        Invariants.check(n > operations, "operation %s is already past (%s done)", n, operations);
        crashAtOperation = n;
    }

    /** Cancels a crash scheduled with {@link #crashAtOperation(long)}. */
    public synchronized void cancelScheduledCrash() {
        crashAtOperation = -1;
    }

    /** The next barrier fails with EIO. */
    public synchronized void failNextBarrier() {
        failNextBarrier = true;
    }

    /** Cancels a failure asked for with {@link #failNextBarrier()} that has not happened yet. */
    public synchronized void cancelFailingBarrier() {
        failNextBarrier = false;
    }

    /** The writes the next barrier makes durable are silently lost, though the barrier succeeds. */
    public synchronized void loseWritesAtNextBarrier() {
        loseNextBarrier = true;
    }

    /** The writes the next barrier makes durable land {@code shiftBytes} away from their aim. */
    public synchronized void misdirectWritesAtNextBarrier(long shiftBytes) {
        Invariants.check(shiftBytes != 0, "a misdirection moves the write");
        misdirectNextBarrier = shiftBytes;
    }

    /** Changes the fault probabilities from now on. */
    public synchronized void setFaultModel(FaultModel model) {
        faults = model;
    }

    /** A line for every fault injected so far, for test diagnostics. */
    public synchronized List<String> injectedFaults() {
        return List.copyOf(injected);
    }

    public synchronized boolean hasCrashed() {
        return crashed;
    }

    /**
     * Crashes now: resolves the cache and namespace against the medium; the disk is dead after. Also
     * the way out after an injected fsync failure, which leaves the disk refusing everything else.
     */
    public synchronized void crash() {
        if (crashed) {
            throw new SimulatedCrash("this disk belongs to a crashed process");
        }
        resolveCrash(null);
    }

    @Override
    public synchronized DiskFile create(String name) {
        checkAlive();
        if (view.containsKey(name)) {
            throw new IllegalStateException("file already exists: " + name);
        }
        crashIfScheduled("create " + name);
        MemoryDisk.Inode inode = new MemoryDisk.Inode();
        view.put(name, inode);
        pendingNamespace.add(new NamespaceOp.Create(name, inode));
        return new Handle(name, inode);
    }

    @Override
    public synchronized DiskFile open(String name) {
        checkAlive();
        MemoryDisk.Inode inode = view.get(name);
        if (inode == null) {
            throw new IllegalStateException("no such file: " + name);
        }
        return new Handle(name, inode);
    }

    @Override
    public synchronized boolean exists(String name) {
        checkAlive();
        return view.containsKey(name);
    }

    @Override
    public synchronized List<String> list() {
        checkAlive();
        return new ArrayList<>(view.keySet());
    }

    @Override
    public synchronized void rename(String source, String target) {
        checkAlive();
        MemoryDisk.Inode inode = view.get(source);
        if (inode == null) {
            throw new IllegalStateException("no such file: " + source);
        }
        crashIfScheduled("rename " + source + " -> " + target);
        view.remove(source);
        view.put(target, inode);
        pendingNamespace.add(new NamespaceOp.Rename(source, target));
    }

    @Override
    public synchronized void delete(String name) {
        checkAlive();
        if (!view.containsKey(name)) {
            throw new IllegalStateException("no such file: " + name);
        }
        crashIfScheduled("delete " + name);
        view.remove(name);
        pendingNamespace.add(new NamespaceOp.Delete(name));
    }

    @Override
    public synchronized void syncDirectory() {
        checkAlive();
        crashIfScheduled("sync directory");
        medium.replaceNamespace(new TreeMap<>(view));
        pendingNamespace.clear();
    }

    private synchronized void write(MemoryDisk.Inode inode, long position, ByteBuffer source) {
        checkAlive();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        PendingWrite write = new PendingWrite(position, bytes);
        pendingWrites.computeIfAbsent(inode, key -> new ArrayList<>()).add(write);
        operations++;
        if (operations == crashAtOperation) {
            resolveCrash(write);
            throw new SimulatedCrash("crash inside write #" + operations + " (" + bytes.length + " bytes at "
                    + position + ")");
        }
    }

    private synchronized void barrier(MemoryDisk.Inode inode, String name) {
        checkAlive();
        crashIfScheduled("barrier " + name);
        if (faults.barrierStall() > 0 && random.nextDouble() < faults.barrierStall()) {
            long nanos = 1 + (long) (random.nextDouble() * faults.stallNanosMax());
            injected.add("barrier of " + name + " stalled " + nanos + " ns");
            sleeper.sleep(nanos);
        }
        List<PendingWrite> writes = pendingWrites.remove(inode);
        if (failNextBarrier || (faults.barrierFailure() > 0 && random.nextDouble() < faults.barrierFailure())) {
            failNextBarrier = false;
            failed = true;
            injected.add("barrier of " + name + " failed with EIO");
            if (writes != null) {
                writes.forEach(write -> resolveUnbarriered(inode, write, false));
            }
            throw new DiskFailure("fsync of " + name + " failed (injected EIO)");
        }
        boolean lose = loseNextBarrier;
        long misdirect = misdirectNextBarrier;
        loseNextBarrier = false;
        misdirectNextBarrier = 0;
        if (writes != null) {
            writes.forEach(write -> land(inode, name, write, lose, misdirect));
        }
    }

    private void land(MemoryDisk.Inode inode, String name, PendingWrite write, boolean lose, long misdirect) {
        if (lose || faults.lostWrite() > 0 && random.nextDouble() < faults.lostWrite()) {
            injected.add("write of " + write.bytes.length + " bytes at " + name + ":" + write.position + " lost");
            return;
        }
        long position = write.position;
        if (misdirect != 0 || faults.misdirectedWrite() > 0 && random.nextDouble() < faults.misdirectedWrite()) {
            long shift = misdirect != 0 ? misdirect
                    : (1 + random.nextInt(8)) * (long) BLOCK * (random.nextBoolean() ? 1 : -1);
            position = Math.max(0, position + shift);
            injected.add("write of " + write.bytes.length + " bytes aimed at " + name + ":" + write.position
                    + " landed at " + position);
        }
        inode.write(position, ByteBuffer.wrap(write.bytes));
        if (faults.bitFlip() > 0 && random.nextDouble() < faults.bitFlip() && write.bytes.length > 0) {
            long at = position + random.nextInt(write.bytes.length);
            int bit = random.nextInt(8);
            inode.flipBit(at, bit);
            injected.add("bit " + bit + " of " + name + ":" + at + " flipped");
        }
    }

    private void crashIfScheduled(String operation) {
        operations++;
        if (operations == crashAtOperation) {
            resolveCrash(null);
            throw new SimulatedCrash("crash before operation #" + operations + " (" + operation + ")");
        }
    }

    /** Decides the fate of everything volatile, applies it to the medium, and kills this disk. */
    private void resolveCrash(PendingWrite cutWrite) {
        int applied = random.nextInt(pendingNamespace.size() + 1);
        Map<String, MemoryDisk.Inode> durable = medium.namespace();
        for (NamespaceOp op : pendingNamespace.subList(0, applied)) {
            op.applyTo(durable);
        }
        medium.replaceNamespace(durable);
        injected.add("crash: " + applied + " of " + pendingNamespace.size() + " namespace operations took effect");
        pendingNamespace.clear();
        for (Map.Entry<MemoryDisk.Inode, List<PendingWrite>> entry : pendingWrites.entrySet()) {
            for (PendingWrite write : entry.getValue()) {
                resolveUnbarriered(entry.getKey(), write, write == cutWrite);
            }
        }
        pendingWrites.clear();
        crashed = true;
    }

    private void resolveUnbarriered(MemoryDisk.Inode inode, PendingWrite write, boolean mustTear) {
        double roll = random.nextDouble();
        if (!mustTear && roll < faults.lostOnCrash()) {
            return;
        }
        int length = write.bytes.length;
        if (mustTear || roll < faults.lostOnCrash() + faults.tornOnCrash()) {
            length = length == 0 ? 0 : random.nextInt(length);
        }
        inode.write(write.position, ByteBuffer.wrap(write.bytes, 0, length));
    }

    private synchronized int read(MemoryDisk.Inode inode, long position, ByteBuffer target) {
        checkAlive();
        long size = volatileSize(inode);
        if (position >= size) {
            return target.hasRemaining() ? -1 : 0;
        }
        int length = (int) Math.min(target.remaining(), size - position);
        byte[] bytes = new byte[length];
        inode.read(position, ByteBuffer.wrap(bytes));
        for (PendingWrite write : pendingWrites.getOrDefault(inode, List.of())) {
            long from = Math.max(position, write.position);
            long to = Math.min(position + length, write.position + write.bytes.length);
            if (from < to) {
                System.arraycopy(write.bytes, (int) (from - write.position), bytes, (int) (from - position),
                        (int) (to - from));
            }
        }
        target.put(bytes);
        return length;
    }

    private synchronized long volatileSize(MemoryDisk.Inode inode) {
        long size = inode.size();
        for (PendingWrite write : pendingWrites.getOrDefault(inode, List.of())) {
            size = Math.max(size, write.position + write.bytes.length);
        }
        return size;
    }

    private void checkAlive() {
        if (crashed) {
            throw new SimulatedCrash("this disk belongs to a crashed process");
        }
        if (failed) {
            throw new DiskFailure("an earlier fsync failed; the page cache is no longer trusted: crash and recover");
        }
    }

    private record PendingWrite(long position, byte[] bytes) {}

    private sealed interface NamespaceOp {
        void applyTo(Map<String, MemoryDisk.Inode> namespace);

        record Create(String name, MemoryDisk.Inode inode) implements NamespaceOp {
            @Override
            public void applyTo(Map<String, MemoryDisk.Inode> namespace) {
                namespace.put(name, inode);
            }
        }

        record Rename(String source, String target) implements NamespaceOp {
            @Override
            public void applyTo(Map<String, MemoryDisk.Inode> namespace) {
                MemoryDisk.Inode inode = namespace.remove(source);
                if (inode != null) {
                    namespace.put(target, inode);
                }
            }
        }

        record Delete(String name) implements NamespaceOp {
            @Override
            public void applyTo(Map<String, MemoryDisk.Inode> namespace) {
                namespace.remove(name);
            }
        }
    }

    private final class Handle implements DiskFile {
        private final String name;
        private final MemoryDisk.Inode inode;

        Handle(String name, MemoryDisk.Inode inode) {
            this.name = name;
            this.inode = inode;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            synchronized (FaultyDisk.this) {
                checkAlive();
                return volatileSize(inode);
            }
        }

        @Override
        public void write(long position, ByteBuffer source) {
            FaultyDisk.this.write(inode, position, source);
        }

        @Override
        public int read(long position, ByteBuffer target) {
            return FaultyDisk.this.read(inode, position, target);
        }

        @Override
        public void barrier() {
            FaultyDisk.this.barrier(inode, name);
        }

        @Override
        public void close() {}
    }
}
