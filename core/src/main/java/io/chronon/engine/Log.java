package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The hash-chained, segmented, crash-safe log.
 *
 * <p><b>Writing</b> (one writer thread): {@link #append} buffers entries; {@link #barrier()} writes
 * them as one batch on a fresh 4 KiB boundary and makes them durable with one fdatasync (group
 * commit). Nothing is durable, or readable, before its barrier returns. {@link #truncateAfter}
 * durably invalidates a suffix before anything new is appended; {@link #repair} writes back entries
 * that recovery found damaged; {@link #compactThrough} removes whole segments below a snapshot.
 *
 * <p><b>Reading</b> (any thread): {@link #read} and {@link #reader} return durable entries and verify
 * every checksum, payload hash and chain link as they read.
 *
 * <p>Segment files are preallocated with zeros and only ever written at fresh positions, so the hot
 * path overwrites allocated blocks (cheap fdatasync) and never rewrites bytes an earlier barrier made
 * durable. See {@link BatchHeader} and {@link Entry} for the formats and {@link LogScanner} for
 * recovery.
 */
public final class Log implements AutoCloseable {
    private static final int BLOCK = LogOptions.BLOCK_BYTES;
    private static final int ZERO_FILL_BYTES = 1 << 20;
    /**
     * The spare is synced in steps of this many bytes: one flush of a whole 64 MiB segment (three of
     * them at once, on replicas sharing a disk) held up the log's own fsyncs for a quarter second.
     */
    private static final long SPARE_SYNC_EVERY_BYTES = 8L << 20;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final Disk disk;
    private final LogOptions options;
    private final UUID logId;

    // Shared with readers, guarded by lock.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Segment> segments;
    private final LogPositions positions;
    private final IndexRanges damaged;
    /** The lowest index each open {@link LogReader} may still read: compaction stays below them. */
    private final java.util.TreeMap<Long, Integer> readerFloors = new java.util.TreeMap<>();
    private long firstIndex;
    /** The hash the entry at firstIndex links to (the hash of entry firstIndex − 1), if known. */
    private Hash anchorHash;
    /** One past the last durable entry. */
    private long durableNext;

    // The writer's own state.
    private final List<Segment> retired = new ArrayList<>();
    private final ByteBuffer batch;
    private final List<Entry> pending = new ArrayList<>();
    private int pendingBytes;
    private long nextIndex;
    private Hash tailHash;
    private long lastView;
    private Hash durableTailHash;
    private long durableLastView;
    private long nextSequence;
    private long writePosition;
    private long barriers;
    private boolean failed;
    /**
     * The next segment's file being zero-filled on the options' preparer, or null (none asked for, or
     * no preparer). It is named {@link Segment#SPARE} until it becomes a segment.
     */
    private CompletableFuture<DiskFile> spare;

    private Log(Disk disk, LogOptions options, UUID logId, List<Segment> segments, LogPositions positions,
                IndexRanges damaged, long firstIndex, Hash anchorHash, long nextIndex, Hash tailHash, long lastView,
                long nextSequence, long writePosition) {
        this.disk = disk;
        this.options = options;
        this.logId = logId;
        this.segments = segments;
        this.positions = positions;
        this.damaged = damaged;
        this.firstIndex = firstIndex;
        this.anchorHash = anchorHash;
        this.durableNext = nextIndex;
        this.nextIndex = nextIndex;
        this.tailHash = tailHash;
        this.durableTailHash = tailHash;
        this.lastView = lastView;
        this.durableLastView = lastView;
        this.nextSequence = nextSequence;
        this.writePosition = writePosition;
        int capacity = (int) LogOptions.batchExtentBytes(options.maxBatchBytes());
        this.batch = ByteBuffer.allocateDirect(capacity + BLOCK).alignedSlice(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Creates a new, empty log whose first entry will have index 0 and link to {@link Hash#ZERO}. */
    public static Log create(Disk disk, LogOptions options, UUID logId) {
        return create(disk, options, logId, 0, Hash.ZERO);
    }

    /**
     * Creates a new, empty log whose first entry will have index {@code baseIndex} and link to
     * {@code baseHash}: the start of a log that continues from a snapshot.
     */
    public static Log create(Disk disk, LogOptions options, UUID logId, long baseIndex, Hash baseHash) {
        Invariants.check(baseIndex >= 0, "base index must not be negative: %s", baseIndex);
        for (String name : disk.list()) {
            if (Segment.numberOf(name) >= 0) {
                throw new IllegalStateException("a log already exists here: " + name);
            }
        }
        Log log = new Log(disk, options, logId, new ArrayList<>(), new LogPositions(baseIndex), new IndexRanges(),
                baseIndex, baseHash, baseIndex, baseHash, 0, 0, BLOCK);
        log.createSegment(0, baseIndex, baseHash);
        return log;
    }

    /** Starts zero-filling the file of the next segment, when a preparer is configured and none is under way. */
    private void prepareSpare() {
        if (spare != null || options.segmentPreparer().isEmpty()) {
            return;
        }
        spare = CompletableFuture.supplyAsync(() -> {
            if (disk.exists(Segment.SPARE)) {
                disk.delete(Segment.SPARE); // an earlier process's, or a closed log's: never part of the log
            }
            DiskFile file = disk.create(Segment.SPARE);
            try {
                zeroFill(file, ByteBuffer.wrap(new byte[BLOCK]), SPARE_SYNC_EVERY_BYTES);
                file.barrier();
            } catch (RuntimeException | Error e) {
                file.close();
                throw e;
            }
            return file;
        }, options.segmentPreparer().get());
    }

    /** The prepared spare file, waiting for it if it is still being filled; a failure there is this log's. */
    private DiskFile takeSpare() {
        CompletableFuture<DiskFile> prepared = spare;
        spare = null;
        try {
            return prepared.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DiskFailure failure) {
                throw failure;
            }
            throw new DiskFailure("preparing the next log segment failed", e.getCause());
        }
    }

    /** Opens the log on {@code disk} and recovers it, or returns empty if there is none. */
    public static Optional<LogRecovery> open(Disk disk, LogOptions options) {
        LogScanner.Result result = LogScanner.scan(disk, options);
        if (result == null) {
            return Optional.empty();
        }
        Log log = new Log(disk, options, result.logId(), new ArrayList<>(result.segments()), result.positions(),
                result.damaged(), result.firstIndex(), result.anchorHash(), result.nextIndex(), result.tailHash(),
                result.lastView(), result.nextSequence(), result.writePosition());
        log.prepareSpare();
        return Optional.of(new LogRecovery(log, List.copyOf(result.findings())));
    }

    // ------------------------------------------------------------------ state

    public UUID logId() {
        return logId;
    }

    public LogOptions options() {
        return options;
    }

    /**
     * The lowest index the log holds; entries below were compacted away. Compaction removes whole
     * segments, and recovery keeps every segment it finds, so after a restart this may be lower than
     * before: the log then offers more history, never less.
     */
    public long firstIndex() {
        lock.readLock().lock();
        try {
            return firstIndex;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The highest durable index, or {@code firstIndex() - 1} when no entry is durable. */
    public long durableIndex() {
        lock.readLock().lock();
        try {
            return durableNext - 1;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The highest index appended, durable or not, or {@code firstIndex() - 1} when there is none. */
    public long lastIndex() {
        return nextIndex - 1;
    }

    /** The hash the next appended entry must link to. */
    public Hash lastHash() {
        return tailHash;
    }

    /** The view of the last entry appended (0 for an empty log). */
    public long lastView() {
        return lastView;
    }

    /** How many barriers (fdatasyncs of batches) this log has issued since it was opened. */
    public long barrierCount() {
        return barriers;
    }

    /** The entries that recovery or a read found damaged and that no repair has replaced yet. */
    public List<IndexRange> damagedRanges() {
        lock.readLock().lock();
        try {
            return damaged.toList().stream().map(range -> new IndexRange(range.first(), range.last())).toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** An inclusive range of indices. */
    public record IndexRange(long first, long last) {}

    // ------------------------------------------------------------------ appending

    /** Whether an entry with a payload of this size fits the pending batch. */
    public boolean fits(int payloadBytes) {
        return pendingBytes + Entry.HEADER_BYTES + payloadBytes <= options.maxBatchBytes();
    }

    /** Creates the next entry, linked to the last one, and buffers it until the next barrier. */
    public Entry append(long view, long timestamp, UUID client, long requestNumber, byte[] payload) {
        options.checkPayload(payload.length);
        Entry entry = Entry.create(nextIndex, view, timestamp, client, requestNumber, payload, tailHash);
        buffer(entry);
        return entry;
    }

    /**
     * Buffers an entry made elsewhere (by the primary, for a backup) until the next barrier. It must
     * be the next index, link to the last entry and not lower the view.
     */
    public void append(Entry entry) {
        options.checkPayload(entry.payload().length);
        if (entry.index() != nextIndex) {
            throw new IllegalArgumentException("entry " + entry.index() + " cannot follow entry " + (nextIndex - 1));
        }
        if (!entry.previousHash().equals(tailHash)) {
            throw new IllegalArgumentException("entry " + entry.index() + " links to " + entry.previousHash().shortHex()
                    + " but entry " + (nextIndex - 1) + " has hash " + tailHash.shortHex());
        }
        if (entry.view() < lastView) {
            throw new IllegalArgumentException("entry " + entry.index() + " has view " + entry.view()
                    + ", lower than the view " + lastView + " of the entry before it");
        }
        buffer(entry);
    }

    private void buffer(Entry entry) {
        checkWritable();
        if (!fits(entry.payload().length)) {
            throw new IllegalStateException("the pending batch holds " + pendingBytes + " bytes and cannot take "
                    + entry.encodedBytes() + " more (maxBatchBytes " + options.maxBatchBytes()
                    + "): call barrier() first");
        }
        pending.add(entry);
        pendingBytes += entry.encodedBytes();
        nextIndex = entry.index() + 1;
        tailHash = entry.hash();
        lastView = entry.view();
    }

    /**
     * Writes the pending entries as one batch and makes them durable with one fdatasync. Returns the
     * highest durable index. With nothing pending it does no I/O.
     */
    public long barrier() {
        checkWritable();
        deleteRetiredSegments();
        if (pending.isEmpty()) {
            return nextIndex - 1;
        }
        Entry first = pending.getFirst();
        Segment segment = segmentFor(pendingBytes, first.index(), durableTailHash);
        int bodyOffset = BatchHeader.BYTES;
        batch.clear();
        batch.position(bodyOffset);
        for (Entry entry : pending) {
            entry.encode(batch);
        }
        BatchHeader header = new BatchHeader(BatchHeader.Kind.ENTRIES, pending.size(), nextSequence, segment.number,
                writePosition, first.index(), pendingBytes, Checksums.crc32c(batch, bodyOffset, pendingBytes), logId,
                tailHash, lastView);
        long batchPosition = writePosition;
        writeBatch(segment, header);
        lock.writeLock().lock();
        try {
            long offset = batchPosition + bodyOffset;
            for (Entry entry : pending) {
                positions.set(entry.index(), LogPositions.pack(segment.number, offset));
                offset += entry.encodedBytes();
            }
            segment.maxIndexWritten = Math.max(segment.maxIndexWritten, nextIndex - 1);
            durableNext = nextIndex;
        } finally {
            lock.writeLock().unlock();
        }
        durableTailHash = tailHash;
        durableLastView = lastView;
        pending.clear();
        pendingBytes = 0;
        return nextIndex - 1;
    }

    /**
     * Encodes header and trailer around the body already in {@link #batch}, pads, writes the batch at
     * the write position and issues the barrier.
     */
    private void writeBatch(Segment segment, BatchHeader header) {
        Invariants.check(header.position() == writePosition, "batch aimed at %s, write position is %s",
                header.position(), writePosition);
        int bodyEnd = BatchHeader.BYTES + header.bodyLength();
        int extent = (int) LogOptions.batchExtentBytes(header.bodyLength());
        header.encode(batch, 0, false);
        batch.put(bodyEnd, ZEROS, 0, header.trailerOffset() - bodyEnd);
        header.encode(batch, header.trailerOffset(), true);
        batch.put(header.writtenBytes(), ZEROS, 0, extent - header.writtenBytes());
        try {
            segment.file.write(writePosition, batch.slice(0, extent));
            segment.file.barrier();
        } catch (DiskFailure failure) {
            failed = true;
            throw failure;
        }
        barriers++;
        writePosition += extent;
        nextSequence++;
    }

    /** The segment the next batch goes to, creating a new one if the current one lacks room. */
    private Segment segmentFor(int bodyBytes, long baseIndex, Hash baseHash) {
        Segment current = segments.getLast();
        if (writePosition + LogOptions.batchExtentBytes(bodyBytes) <= current.bytes) {
            return current;
        }
        return createSegment(current.number + 1, baseIndex, baseHash);
    }

    /**
     * Creates and preallocates a segment with zeros (a sparse file would make every write allocate,
     * and every fdatasync then also flush metadata), makes it durable and links it into the
     * directory durably before any batch goes into it. With a preparer, the zeros were written and
     * synced ahead of time into the spare file: only its header block is written here before it is
     * renamed into place, and the next spare is started.
     */
    private Segment createSegment(long number, long baseIndex, Hash baseHash) {
        String name = Segment.fileName(number);
        SegmentHeader header = new SegmentHeader(logId, number, nextSequence, baseIndex, options.segmentBytes(),
                baseHash);
        DiskFile file;
        try {
            if (spare != null) {
                DiskFile prepared = takeSpare();
                prepared.write(0, ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).put(header.encode(BLOCK))
                        .flip());
                prepared.barrier();
                prepared.close();
                disk.rename(Segment.SPARE, name);
                file = disk.open(name);
            } else {
                file = disk.create(name);
                zeroFill(file, header.encode(BLOCK), options.segmentBytes());
                file.barrier();
            }
            disk.syncDirectory();
        } catch (DiskFailure failure) {
            failed = true;
            throw failure;
        }
        Segment segment = new Segment(number, file, options.segmentBytes(), baseIndex, baseHash);
        lock.writeLock().lock();
        try {
            segments.add(segment);
        } finally {
            lock.writeLock().unlock();
        }
        writePosition = BLOCK;
        prepareSpare();
        return segment;
    }

    /**
     * Writes the whole segment's extent: {@code firstBlock}, then zeros, with a barrier after every
     * {@code syncEvery} bytes (the caller makes the end durable).
     */
    private void zeroFill(DiskFile file, ByteBuffer firstBlock, long syncEvery) {
        ByteBuffer fill = ByteBuffer.allocateDirect(ZERO_FILL_BYTES + BLOCK).alignedSlice(BLOCK);
        fill.put(firstBlock);
        long unsynced = 0;
        for (long position = 0; position < options.segmentBytes(); position += ZERO_FILL_BYTES) {
            int length = (int) Math.min(ZERO_FILL_BYTES, options.segmentBytes() - position);
            file.write(position, fill.clear().limit(length));
            if (position == 0) {
                fill.put(0, new byte[BLOCK]);
            }
            unsynced += length;
            if (unsynced >= syncEvery && position + length < options.segmentBytes()) {
                file.barrier();
                unsynced = 0;
            }
        }
    }

    // ------------------------------------------------------------------ truncation and repair

    /**
     * Removes every entry after {@code index}. If any of them is durable, a truncation record is made
     * durable before this returns, so the removed suffix can never come back after a crash, even if
     * a later write over its place is torn.
     */
    public void truncateAfter(long index) {
        checkWritable();
        long firstKept = firstIndex();
        if (index < firstKept - 1) {
            throw new IllegalArgumentException("cannot truncate after " + index + ": entries before " + firstKept
                    + " were compacted");
        }
        if (index >= nextIndex - 1) {
            return;
        }
        if (index >= durableNext - 1) {
            while (!pending.isEmpty() && pending.getLast().index() > index) {
                pendingBytes -= pending.removeLast().encodedBytes();
            }
            nextIndex = index + 1;
            tailHash = pending.isEmpty() ? durableTailHash : pending.getLast().hash();
            lastView = pending.isEmpty() ? durableLastView : pending.getLast().view();
            return;
        }
        pending.clear();
        pendingBytes = 0;
        Hash keptHash = hashAt(index);
        long keptView = index >= firstKept && !isDamaged(index) ? read(index).view() : 0;
        Segment segment = segmentFor(0, durableNext, durableTailHash);
        BatchHeader header = new BatchHeader(BatchHeader.Kind.TRUNCATE, 0, nextSequence, segment.number,
                writePosition, index, 0, Checksums.crc32c(batch, 0, 0), logId, keptHash, keptView);
        writeBatch(segment, header);
        lock.writeLock().lock();
        try {
            positions.truncateAfter(index);
            damaged.removeAbove(index);
            durableNext = index + 1;
        } finally {
            lock.writeLock().unlock();
        }
        nextIndex = index + 1;
        tailHash = durableTailHash = keptHash;
        lastView = durableLastView = keptView;
    }

    /**
     * The hash of durable entry {@code index} as this log can vouch for it (from the entry, its
     * successor's link, or the anchor below the first entry), or null if it cannot.
     */
    public Hash knownHash(long index) {
        if (index < firstIndex() - 1 || index >= durableNext) {
            return null;
        }
        try {
            return hashAt(index);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The hash of entry {@code index}, which may be damaged if its successor is readable. */
    private Hash hashAt(long index) {
        if (index + 1 < durableNext && !isDamaged(index + 1)) {
            return read(index + 1).previousHash();
        }
        if (index >= firstIndex() && !isDamaged(index)) {
            return read(index).hash();
        }
        if (index == firstIndex() - 1 && anchorHash != null) {
            return anchorHash;
        }
        throw new IllegalStateException("the hash of entry " + index + " is unknown: it and its successor are "
                + "damaged; repair them first");
    }

    boolean isDamaged(long index) {
        lock.readLock().lock();
        try {
            return damaged.contains(index);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Writes back entries that are damaged here, fetched from a peer. They must be contiguous, each
     * one damaged here, chained to each other and to their intact neighbours. Durable on return.
     */
    public void repair(List<Entry> entries) {
        checkWritable();
        if (entries.isEmpty()) {
            return;
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("repair needs an empty pending batch: call barrier() first");
        }
        checkRepair(entries);
        Entry first = entries.getFirst();
        Entry last = entries.getLast();
        int bodyBytes = 0;
        for (Entry entry : entries) {
            bodyBytes += entry.encodedBytes();
        }
        Invariants.check(bodyBytes <= options.maxBatchBytes(), "repair of %s bytes exceeds maxBatchBytes %s",
                bodyBytes, options.maxBatchBytes());
        Segment segment = segmentFor(bodyBytes, durableNext, durableTailHash);
        batch.clear();
        batch.position(BatchHeader.BYTES);
        for (Entry entry : entries) {
            entry.encode(batch);
        }
        BatchHeader header = new BatchHeader(BatchHeader.Kind.REPAIR, entries.size(), nextSequence, segment.number,
                writePosition, first.index(), bodyBytes, Checksums.crc32c(batch, BatchHeader.BYTES, bodyBytes), logId,
                last.hash(), last.view());
        long offset = writePosition + BatchHeader.BYTES;
        writeBatch(segment, header);
        lock.writeLock().lock();
        try {
            for (Entry entry : entries) {
                positions.set(entry.index(), LogPositions.pack(segment.number, offset));
                offset += entry.encodedBytes();
            }
            damaged.remove(first.index(), last.index());
            segment.maxIndexWritten = Math.max(segment.maxIndexWritten, last.index());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkRepair(List<Entry> entries) {
        Entry previous = null;
        for (Entry entry : entries) {
            options.checkPayload(entry.payload().length);
            if (!isDamaged(entry.index())) {
                throw new IllegalArgumentException("entry " + entry.index() + " is not damaged here");
            }
            if (previous != null && (entry.index() != previous.index() + 1
                    || !entry.previousHash().equals(previous.hash()))) {
                throw new IllegalArgumentException("repair entries " + previous.index() + " and " + entry.index()
                        + " do not chain");
            }
            previous = entry;
        }
        Entry first = entries.getFirst();
        Entry last = entries.getLast();
        long before = first.index() - 1;
        if (before >= firstIndex() && !isDamaged(before) && !read(before).hash().equals(first.previousHash())) {
            throw new IllegalArgumentException("repaired entry " + first.index() + " does not link to entry " + before);
        }
        long after = last.index() + 1;
        if (after < durableNext && !isDamaged(after) && !read(after).previousHash().equals(last.hash())) {
            throw new IllegalArgumentException("entry " + after + " does not link to repaired entry " + last.index());
        }
        if (after == durableNext && !durableTailHash.equals(last.hash())) {
            throw new IllegalArgumentException("repaired last entry " + last.index() + " is not the log's last entry");
        }
    }

    // ------------------------------------------------------------------ compaction

    /**
     * Removes the segments that hold nothing above {@code index}, which a durable snapshot must
     * already cover. A segment is never rewritten: it is deleted whole, and only once no read is in
     * progress on it; entries an open {@link LogReader} may still read are not compacted until it
     * closes. Returns the new first index.
     */
    public long compactThrough(long index) {
        checkWritable();
        Invariants.check(index < durableNext, "cannot compact through %s beyond the durable index %s", index,
                durableNext - 1);
        lock.writeLock().lock();
        try {
            long limit;
            synchronized (readerFloors) {
                limit = readerFloors.isEmpty() ? index : Math.min(index, readerFloors.firstKey() - 1);
            }
            while (segments.size() > 1 && segments.getFirst().maxIndexWritten <= limit
                    && segments.get(1).baseIndex >= 0) {
                Segment removed = segments.removeFirst();
                removed.retired = true;
                retired.add(removed);
                // A segment created after a truncation can start below the first index: the entries
                // it holds below it were already compacted, so the first index only moves forward.
                long newFirst = Math.max(firstIndex, segments.getFirst().baseIndex);
                anchorHash = newFirst == firstIndex ? anchorHash : segments.getFirst().baseHash;
                firstIndex = newFirst;
                positions.dropBefore(firstIndex);
                damaged.removeBelow(firstIndex);
            }
        } finally {
            lock.writeLock().unlock();
        }
        deleteRetiredSegments();
        return firstIndex();
    }

    private void deleteRetiredSegments() {
        if (retired.isEmpty()) {
            return;
        }
        boolean deleted = false;
        lock.writeLock().lock();
        try {
            for (var iterator = retired.iterator(); iterator.hasNext(); ) {
                Segment segment = iterator.next();
                if (segment.readers.get() == 0) {
                    segment.file.close();
                    disk.delete(segment.name());
                    iterator.remove();
                    deleted = true;
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (deleted) {
            disk.syncDirectory();
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads one durable entry, verifying its header checksum and payload hash. */
    public Entry read(long index) {
        Located located = locate(index);
        try {
            return readAt(located, index, null);
        } finally {
            located.segment.readers.decrementAndGet();
        }
    }

    /**
     * A reader of the durable entries {@code from} to {@code to} (inclusive) that verifies every
     * entry and every link of the chain, including the link of {@code from} to its predecessor when
     * the log still holds it. Compaction leaves its entries in place until it is closed.
     */
    public LogReader reader(long from, long to) {
        lock.readLock().lock();
        try {
            if (from < firstIndex) {
                throw new EntryUnavailableException(from, EntryUnavailableException.Reason.COMPACTED,
                        "entry " + from + " was compacted; the log starts at " + firstIndex);
            }
            if (to >= durableNext) {
                throw new EntryUnavailableException(to, EntryUnavailableException.Reason.NOT_DURABLE,
                        "entry " + to + " is not durable; the log is durable through " + (durableNext - 1));
            }
            boolean predecessorReadable = from > firstIndex && !damaged.contains(from - 1);
            synchronized (readerFloors) {
                readerFloors.merge(from, 1, Integer::sum);
            }
            return new LogReader(this, from, to, predecessorReadable);
        } finally {
            lock.readLock().unlock();
        }
    }

    void release(long from) {
        synchronized (readerFloors) {
            readerFloors.computeIfPresent(from, (key, count) -> count == 1 ? null : count - 1);
        }
    }

    record Located(Segment segment, long packed) {}

    /** Finds a durable entry and pins its segment; the caller unpins. */
    Located locate(long index) {
        lock.readLock().lock();
        try {
            if (index < firstIndex) {
                throw new EntryUnavailableException(index, EntryUnavailableException.Reason.COMPACTED,
                        "entry " + index + " was compacted; the log starts at " + firstIndex);
            }
            if (index >= durableNext) {
                throw new EntryUnavailableException(index, EntryUnavailableException.Reason.NOT_DURABLE,
                        "entry " + index + " is not durable; the log is durable through " + (durableNext - 1));
            }
            if (damaged.contains(index)) {
                throw new EntryUnavailableException(index, EntryUnavailableException.Reason.DAMAGED,
                        "entry " + index + " is damaged and awaits repair from a peer");
            }
            long packed = positions.get(index);
            Invariants.check(packed != LogPositions.UNKNOWN, "entry %s is neither damaged nor located", index);
            Segment segment = segmentNumbered(LogPositions.segmentOf(packed));
            segment.readers.incrementAndGet();
            return new Located(segment, packed);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Segment segmentNumbered(long number) {
        int low = 0;
        int high = segments.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long found = segments.get(middle).number;
            if (found == number) {
                return segments.get(middle);
            } else if (found < number) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        throw new InvariantViolation("no segment numbered " + number);
    }

    /**
     * Reads and verifies the entry at a located position, through {@code readAhead} if given (a
     * buffer holding a stretch of the segment, refilled as needed).
     */
    Entry readAt(Located located, long index, ReadAhead readAhead) {
        long offset = LogPositions.offsetOf(located.packed());
        DiskFile file = located.segment().file;
        ByteBuffer header = readAhead != null
                ? readAhead.slice(file, offset, Entry.HEADER_BYTES)
                : readExactly(file, offset, Entry.HEADER_BYTES);
        Entry.HeaderRead read = header == null ? new Entry.HeaderRead.Invalid("cut off by the end of the segment")
                : Entry.decodeHeader(header, 0);
        if (!(read instanceof Entry.HeaderRead.Valid valid)) {
            throw damagedOnRead(index, ((Entry.HeaderRead.Invalid) read).reason());
        }
        if (valid.index() != index) {
            throw damagedOnRead(index, "the entry at its position has index " + valid.index());
        }
        ByteBuffer payloadBytes = readAhead != null
                ? readAhead.slice(file, offset + Entry.HEADER_BYTES, valid.payloadLength())
                : readExactly(file, offset + Entry.HEADER_BYTES, valid.payloadLength());
        if (payloadBytes == null) {
            throw damagedOnRead(index, "payload cut off by the end of the segment");
        }
        byte[] payload = new byte[valid.payloadLength()];
        payloadBytes.get(0, payload);
        if (!Hash.sha256(payload).equals(valid.payloadHash())) {
            throw damagedOnRead(index, "payload hash mismatch");
        }
        return Entry.fromVerified(valid, payload);
    }

    private static ByteBuffer readExactly(DiskFile file, long position, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            return file.readFully(position, buffer) ? buffer.flip() : null;
        } catch (java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** A read found a durable entry corrupt: it is marked damaged, for the replica to repair. */
    EntryUnavailableException damagedOnRead(long index, String reason) {
        lock.writeLock().lock();
        try {
            if (index >= firstIndex && index < durableNext) {
                damaged.add(index, index);
            }
        } finally {
            lock.writeLock().unlock();
        }
        return new EntryUnavailableException(index, EntryUnavailableException.Reason.DAMAGED,
                "entry " + index + " failed verification on read (" + reason + ") and awaits repair from a peer");
    }

    // ------------------------------------------------------------------ lifecycle

    private void checkWritable() {
        if (failed) {
            throw new DiskFailure("an earlier write or fsync of this log failed: crash and recover");
        }
    }

    @Override
    public void close() {
        if (spare != null) {
            // Not waited for: the spare is closed once ready and stays until the next log of this
            // directory deletes it (the preparer runs one task at a time, so that log's comes after).
            spare.thenAccept(DiskFile::close);
            spare = null;
        }
        lock.writeLock().lock();
        try {
            segments.forEach(segment -> segment.file.close());
            retired.forEach(segment -> segment.file.close());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
