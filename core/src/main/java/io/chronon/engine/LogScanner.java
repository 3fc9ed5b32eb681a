package io.chronon.engine;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Recovery: reads every segment of a log, verifies every batch, entry and link of the hash chain,
 * and rebuilds the log's in-memory state, telling a torn tail (cut by a crash before its barrier
 * returned: never acknowledged, discarded) from damage (anything a later batch proves was once
 * durable: reported as a typed {@link RecoveryFinding.Damage}, never silently dropped).
 *
 * <p>The rule that separates the two: one barrier writes one batch, and a batch is written only
 * after the previous barrier returned. So a valid batch after a bad one proves the bad one was
 * durable. A batch whose trailer is intact was written completely, so a checksum failure in it is
 * rot even at the very end of the log.
 *
 * <p>It works in two layers. The walk reads each segment front to back, jumping batch to batch, and
 * emits each batch it can read (whole or not) or an unreadable place; where it cannot find the next
 * batch it resynchronises on 4 KiB boundaries, accepting only headers that name this log, this
 * segment and their own position. The replay then applies the emitted items in order, holding back
 * unproven ones until a later valid batch proves them durable or the log ends.
 */
final class LogScanner {
    private static final int BLOCK = LogOptions.BLOCK_BYTES;
    private static final int RESYNC_CHUNK = 1 << 20;

    /** What recovery rebuilt. */
    record Result(UUID logId, List<Segment> segments, LogPositions positions, long firstIndex, long nextIndex,
                  Hash tailHash, long lastView, long nextSequence, long writePosition, IndexRanges damaged,
                  List<RecoveryFinding> findings, Hash anchorHash) {}

    private sealed interface Item {
        Segment segment();

        long position();

        record Batch(Segment segment, long position, BatchHeader header, ByteBuffer body, boolean bodyIntact,
                     boolean trailerIntact) implements Item {}

        record Unreadable(Segment segment, long position) implements Item {}
    }

    private final Disk disk;
    private final LogOptions options;
    private final List<RecoveryFinding> findings = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final IndexRanges damaged = new IndexRanges();
    private UUID logId;

    // Replay state.
    private LogPositions positions;
    private long firstIndex = -1;
    /** The hash the entry at firstIndex links to, once known. */
    private Hash anchorHash;
    private long expectedIndex;
    private Hash tailHash;
    private boolean tailKnown;
    private long lastView;
    private long expectedSequence = -1;
    private boolean sequenceUnknown;
    private long gapFrom = -1;
    private Hash gapTailHash;
    private long gapTailView;
    private final List<Item> unproven = new ArrayList<>();
    private Item lastProven;

    private LogScanner(Disk disk, LogOptions options) {
        this.disk = disk;
        this.options = options;
    }

    /** Recovers the log on {@code disk}, or returns null if there is none. */
    static Result scan(Disk disk, LogOptions options) {
        return new LogScanner(disk, options).run();
    }

    private Result run() {
        if (!openSegments()) {
            return null;
        }
        for (Segment segment : segments) {
            if (segment.baseIndex >= 0 && firstIndex < 0) {
                startAt(segment.baseIndex, segment.baseHash);
            }
            walk(segment);
        }
        return finish();
    }

    private void startAt(long index, Hash hash) {
        firstIndex = index;
        expectedIndex = index;
        tailHash = hash;
        tailKnown = hash != null;
        positions = new LogPositions(index);
    }

    // ---------------------------------------------------------------- segments

    private boolean openSegments() {
        List<Long> numbers = new ArrayList<>();
        for (String name : disk.list()) {
            long number = Segment.numberOf(name);
            if (number >= 0) {
                numbers.add(number);
            }
        }
        if (numbers.isEmpty()) {
            return false;
        }
        List<SegmentHeader> headers = new ArrayList<>();
        List<DiskFile> files = new ArrayList<>();
        for (long number : numbers) {
            DiskFile file = disk.open(Segment.fileName(number));
            files.add(file);
            SegmentHeader header = SegmentHeader.decode(read(file, 0, SegmentHeader.BYTES));
            headers.add(header != null && header.segment() == number ? header : null);
        }
        logId = learnLogId(headers, files);
        if (logId == null) {
            // No segment names its log and none holds a batch: the log's creation never completed.
            for (DiskFile file : files) {
                removeIncomplete(file);
            }
            return false;
        }
        for (int i = 0; i < numbers.size(); i++) {
            SegmentHeader header = headers.get(i);
            DiskFile file = files.get(i);
            boolean last = i == numbers.size() - 1;
            if (header != null && !header.logId().equals(logId)) {
                throw new IllegalStateException("segment " + file.name() + " belongs to log " + header.logId()
                        + ", not to log " + logId + ": the data directory mixes two logs");
            }
            boolean complete = header != null && file.size() >= header.segmentBytes();
            if (!complete && last && nextHeader(file, numbers.get(i), BLOCK, file.size()) < 0) {
                removeIncomplete(file);
                continue;
            }
            if (header == null) {
                findings.add(new RecoveryFinding.SegmentHeaderDamaged(file.name()));
                segments.add(new Segment(numbers.get(i), file, file.size(), -1, null));
            } else {
                segments.add(new Segment(numbers.get(i), file, header.segmentBytes(), header.baseIndex(),
                        header.baseHash()));
                if (segments.size() == 1) {
                    // Only the first segment says where the sequence starts; if its header is
                    // damaged, the first batch found says it.
                    expectedSequence = header.firstSequence();
                }
            }
        }
        return !segments.isEmpty();
    }

    private UUID learnLogId(List<SegmentHeader> headers, List<DiskFile> files) {
        for (SegmentHeader header : headers) {
            if (header != null) {
                return header.logId();
            }
        }
        for (DiskFile file : files) {
            BatchHeader first = BatchHeader.decode(read(file, BLOCK, BatchHeader.BYTES), 0, false, null);
            if (first != null && first.position() == BLOCK) {
                return first.logId();
            }
        }
        return null;
    }

    private void removeIncomplete(DiskFile file) {
        file.close();
        disk.delete(file.name());
        disk.syncDirectory();
        findings.add(new RecoveryFinding.IncompleteSegmentRemoved(file.name()));
    }

    // ---------------------------------------------------------------- walk

    private void walk(Segment segment) {
        long size = Math.min(segment.file.size(), segment.bytes);
        long position = BLOCK;
        while (position + BatchHeader.BYTES <= size) {
            ByteBuffer head = read(segment.file, position, BatchHeader.BYTES);
            BatchHeader header = BatchHeader.decode(head, 0, false, logId);
            if (header != null && isHere(header, segment, position) && position + header.writtenBytes() <= size) {
                position = emitBatch(segment, position, header);
                continue;
            }
            if (header != null) {
                reportMisplaced(segment, position, header);
            }
            if (header != null || !isZero(head)) {
                BatchHeader restored = findTrailer(segment, position, size);
                if (restored != null) {
                    findings.add(new RecoveryFinding.HeaderRestoredFromTrailer(segment.name(), position,
                            restored.sequence()));
                    position = emitBatch(segment, position, restored);
                    continue;
                }
                accept(new Item.Unreadable(segment, position));
            }
            long next = nextHeader(segment.file, segment.number, position + BLOCK, size);
            if (next < 0) {
                return;
            }
            position = next;
        }
    }

    private long emitBatch(Segment segment, long position, BatchHeader header) {
        ByteBuffer batch = read(segment.file, position, header.writtenBytes());
        ByteBuffer body = batch.slice(BatchHeader.BYTES, header.bodyLength()).order(ByteOrder.LITTLE_ENDIAN);
        boolean bodyIntact = batch.limit() == header.writtenBytes()
                && Checksums.crc32c(body, 0, header.bodyLength()) == header.bodyChecksum();
        BatchHeader trailer = BatchHeader.decode(batch, header.trailerOffset(), true, logId);
        boolean trailerIntact = header.equals(trailer);
        accept(new Item.Batch(segment, position, header, body, bodyIntact, trailerIntact));
        return BatchHeader.align(position + header.writtenBytes(), BLOCK);
    }

    private static boolean isHere(BatchHeader header, Segment segment, long position) {
        return header.segment() == segment.number && header.position() == position;
    }

    private void reportMisplaced(Segment segment, long position, BatchHeader header) {
        findings.add(new RecoveryFinding.MisplacedBatch(segment.name(), position, header.sequence(),
                Segment.fileName(header.segment()), header.position()));
    }

    /** Looks for the trailer of a batch at {@code position} whose header is unreadable. */
    private BatchHeader findTrailer(Segment segment, long position, long size) {
        long extent = Math.min(size - position, LogOptions.batchExtentBytes(options.maxBatchBytes()));
        ByteBuffer region = read(segment.file, position, (int) extent);
        for (int offset = BatchHeader.BYTES; offset + BatchHeader.BYTES <= region.limit(); offset += 8) {
            if (region.getInt(offset + 4) != BatchHeader.TRAILER_MAGIC) {
                continue;
            }
            BatchHeader trailer = BatchHeader.decode(region, offset, true, logId);
            if (trailer != null && isHere(trailer, segment, position) && trailer.trailerOffset() == offset) {
                return trailer;
            }
        }
        return null;
    }

    /** The next 4 KiB boundary at or after {@code from} holding a batch header meant for that place. */
    private long nextHeader(DiskFile file, long segmentNumber, long from, long size) {
        long chunkStart = BatchHeader.align(from, BLOCK);
        while (chunkStart + BatchHeader.BYTES <= size) {
            int length = (int) Math.min(RESYNC_CHUNK, size - chunkStart);
            ByteBuffer chunk = read(file, chunkStart, length);
            for (int offset = 0; offset + BatchHeader.BYTES <= chunk.limit(); offset += BLOCK) {
                if (chunk.getInt(offset + 4) != BatchHeader.HEADER_MAGIC) {
                    continue;
                }
                BatchHeader header = BatchHeader.decode(chunk, offset, false, logId);
                if (header == null) {
                    continue;
                }
                long position = chunkStart + offset;
                if (header.segment() == segmentNumber && header.position() == position) {
                    return position;
                }
                findings.add(new RecoveryFinding.MisplacedBatch(Segment.fileName(segmentNumber), position,
                        header.sequence(), Segment.fileName(header.segment()), header.position()));
            }
            chunkStart += length;
        }
        return -1;
    }

    // ---------------------------------------------------------------- replay

    private void accept(Item item) {
        if (item instanceof Item.Batch batch && (batch.bodyIntact() || batch.trailerIntact())) {
            for (Item earlier : unproven) {
                applyDamaged(earlier);
            }
            unproven.clear();
            applyProven(batch);
            lastProven = batch;
        } else {
            unproven.add(item);
        }
    }

    /** An item that a later valid batch proved was once written completely: whatever is bad is damage. */
    private void applyDamaged(Item item) {
        if (item instanceof Item.Batch batch) {
            applyProven(batch);
        } else {
            openGap();
            sequenceUnknown = true;
        }
    }

    private void applyProven(Item.Batch batch) {
        BatchHeader header = batch.header();
        if (expectedSequence < 0) {
            expectedSequence = header.sequence();
        }
        if (header.sequence() < expectedSequence) {
            reportMisplaced(batch.segment(), batch.position(), header);
            return;
        }
        if (header.sequence() > expectedSequence && !sequenceUnknown) {
            openGap();
        }
        sequenceUnknown = false;
        expectedSequence = header.sequence() + 1;
        if (firstIndex < 0) {
            long first = header.kind() == BatchHeader.Kind.TRUNCATE ? header.firstIndex() + 1 : header.firstIndex();
            startAt(first, null);
        }
        switch (header.kind()) {
            case ENTRIES -> applyEntries(batch);
            case TRUNCATE -> applyTruncate(batch);
            case REPAIR -> applyRepair(batch);
        }
    }

    private void openGap() {
        if (gapFrom < 0) {
            gapFrom = expectedIndex;
            gapTailHash = tailKnown ? tailHash : null;
            gapTailView = lastView;
        }
    }

    private void applyEntries(Item.Batch batch) {
        BatchHeader header = batch.header();
        if (gapFrom >= 0) {
            if (header.firstIndex() > gapFrom) {
                markDamaged(new RecoveryFinding.MissingEntries(gapFrom, header.firstIndex() - 1,
                        batch.segment().name(), batch.position()));
                expectedIndex = header.firstIndex();
                tailKnown = false;
            }
            gapFrom = -1;
        }
        if (header.firstIndex() != expectedIndex) {
            RecoveryFinding.IndexGap gap = new RecoveryFinding.IndexGap(expectedIndex, header.firstIndex());
            if (header.firstIndex() > expectedIndex) {
                markDamaged(gap);
            } else {
                damaged.add(Math.max(firstIndex, gap.firstIndex()), gap.lastIndex());
                findings.add(gap);
            }
            expectedIndex = header.firstIndex();
            tailKnown = false;
        }
        EntryWalk walk = new EntryWalk(batch);
        while (walk.next()) {
            Entry.HeaderRead.Valid entry = walk.entry;
            checkLink(entry);
            long index = entry.index();
            if (index == firstIndex && anchorHash == null) {
                anchorHash = entry.previousHash();
            }
            if (index >= firstIndex) {
                positions.set(index, walk.payloadIntact ? walk.packedPosition() : LogPositions.UNKNOWN);
            }
            if (!walk.payloadIntact) {
                markDamaged(new RecoveryFinding.ChecksumMismatch(index, index, batch.segment().name(),
                        batch.position()));
            }
            tailHash = entry.hash();
            tailKnown = true;
            lastView = Math.max(lastView, entry.view());
            expectedIndex = index + 1;
        }
        if (walk.unreadableFrom >= 0) {
            if (walk.unreadableFrom == firstIndex && anchorHash == null && tailKnown) {
                anchorHash = tailHash;
            }
            RecoveryFinding.Damage damage = batch.trailerIntact()
                    ? new RecoveryFinding.ChecksumMismatch(walk.unreadableFrom, header.lastIndex(),
                            batch.segment().name(), batch.position())
                    : new RecoveryFinding.MissingEntries(walk.unreadableFrom, header.lastIndex(),
                            batch.segment().name(), batch.position());
            markDamaged(damage);
            expectedIndex = header.lastIndex() + 1;
            tailHash = header.lastHash();
            tailKnown = true;
            lastView = Math.max(lastView, header.lastView());
        } else if (!tailHash.equals(header.lastHash())) {
            markDamaged(new RecoveryFinding.BrokenChain(header.lastIndex()));
        }
        batch.segment().maxIndexWritten = Math.max(batch.segment().maxIndexWritten, header.lastIndex());
    }

    private void checkLink(Entry.HeaderRead.Valid entry) {
        if (entry.view() < lastView) {
            markDamaged(new RecoveryFinding.ViewRegression(entry.index(), entry.view(), lastView));
        }
        if (tailKnown && !entry.previousHash().equals(tailHash)) {
            markDamaged(new RecoveryFinding.BrokenChain(entry.index()));
        }
    }

    private void applyTruncate(Item.Batch batch) {
        long keep = batch.header().firstIndex();
        if (gapFrom >= 0 && keep >= gapFrom) {
            markDamaged(new RecoveryFinding.MissingEntries(gapFrom, keep, batch.segment().name(), batch.position()));
        }
        gapFrom = -1;
        truncateState(keep, batch.header().lastHash(), batch.header().lastView());
    }

    private void truncateState(long keep, Hash hash, long view) {
        if (keep == firstIndex - 1) {
            anchorHash = hash;
        } else if (keep < firstIndex - 1) {
            anchorHash = null;
        }
        positions.truncateAfter(keep);
        damaged.removeAbove(keep);
        expectedIndex = keep + 1;
        tailHash = hash;
        tailKnown = hash != null;
        lastView = view;
    }

    private void applyRepair(Item.Batch batch) {
        EntryWalk walk = new EntryWalk(batch);
        while (walk.next()) {
            long index = walk.entry.index();
            if (walk.payloadIntact && index >= firstIndex && index < expectedIndex && damaged.contains(index)) {
                positions.set(index, walk.packedPosition());
                damaged.remove(index, index);
            }
        }
        batch.segment().maxIndexWritten = Math.max(batch.segment().maxIndexWritten, batch.header().lastIndex());
    }

    private void markDamaged(RecoveryFinding.Damage damage) {
        findings.add(damage);
        long first = Math.max(damage.firstIndex(), firstIndex);
        long last = damage.lastIndex();
        if (first > last) {
            return;
        }
        damaged.add(first, last);
        for (long index = first; index <= last && index < positions.end(); index++) {
            positions.set(index, LogPositions.UNKNOWN);
        }
        for (long index = positions.end(); index <= last; index++) {
            positions.set(index, LogPositions.UNKNOWN);
        }
    }

    private Result finish() {
        if (firstIndex < 0) {
            Segment first = segments.getFirst();
            startAt(first.baseIndex, first.baseHash);
        }
        if (gapFrom >= 0) {
            findings.add(new RecoveryFinding.LostTail(gapFrom));
            truncateState(gapFrom - 1, gapTailHash, gapTailView);
        }
        long writePosition = BLOCK;
        if (!unproven.isEmpty()) {
            Item torn = unproven.getFirst();
            removeSegmentsAfter(torn.segment());
            writePosition = torn.position();
            findings.add(new RecoveryFinding.TornTail(torn.segment().name(), torn.position(),
                    zeroFrom(torn.segment(), torn.position())));
        } else if (lastProven != null && lastProven.segment() == segments.getLast()) {
            writePosition = BatchHeader.align(
                    lastProven.position() + ((Item.Batch) lastProven).header().writtenBytes(), BLOCK);
        }
        if (expectedSequence < 0) {
            expectedSequence = 0;
        }
        if (tailHash == null) {
            throw new IllegalStateException("log " + logId + " has no entry and no segment header that tells the "
                    + "hash its next entry must link to");
        }
        positions.truncateAfter(expectedIndex - 1);
        // Damage in entries that a later truncation removed, or that a repair replaced, is gone.
        findings.removeIf(finding -> finding instanceof RecoveryFinding.Damage damage
                && !(damage instanceof RecoveryFinding.LostTail)
                && !damaged.intersects(damage.firstIndex(), damage.lastIndex()));
        if (anchorHash == null) {
            anchorHash = expectedIndex == firstIndex ? tailHash : segments.getFirst().baseHash;
        }
        return new Result(logId, segments, positions, firstIndex, expectedIndex, tailHash, lastView,
                expectedSequence, writePosition, damaged, findings, anchorHash);
    }

    /**
     * Removes the segments after the one holding a torn batch. The write protocol never leaves any
     * (a segment is created only for the batch that does not fit the one before), but if a disk did,
     * nothing in them is proven durable, and the log must resume at the torn batch.
     */
    private void removeSegmentsAfter(Segment segment) {
        while (segments.getLast() != segment) {
            Segment last = segments.removeLast();
            last.file.close();
            disk.delete(last.name());
            findings.add(new RecoveryFinding.IncompleteSegmentRemoved(last.name()));
        }
        disk.syncDirectory();
    }

    /** Zeroes every non-zero block from {@code position} to the end of the segment; returns bytes zeroed. */
    private long zeroFrom(Segment segment, long position) {
        long size = segment.file.size();
        ByteBuffer zeros = ByteBuffer.allocate(BLOCK);
        long zeroed = 0;
        for (long block = position; block < size; block += BLOCK) {
            int length = (int) Math.min(BLOCK, size - block);
            if (!isZero(read(segment.file, block, length))) {
                segment.file.write(block, zeros.clear().limit(length));
                zeroed += length;
            }
        }
        if (zeroed > 0) {
            segment.file.barrier();
        }
        return zeroed;
    }

    // ---------------------------------------------------------------- entries of one batch

    /** Steps through the entries of a batch, checking each one whose batch body failed its checksum. */
    private final class EntryWalk {
        private final Item.Batch batch;
        private final ByteBuffer body;
        private int offset;
        private int count;
        Entry.HeaderRead.Valid entry;
        boolean payloadIntact;
        /** Index from which the rest of the batch could not be read, or -1. */
        long unreadableFrom = -1;

        EntryWalk(Item.Batch batch) {
            this.batch = batch;
            this.body = batch.body();
        }

        boolean next() {
            BatchHeader header = batch.header();
            if (count == header.entryCount() || unreadableFrom >= 0) {
                return false;
            }
            long index = header.firstIndex() + count;
            Entry.HeaderRead read = Entry.decodeHeader(body, offset);
            if (!(read instanceof Entry.HeaderRead.Valid valid) || valid.index() != index
                    || valid.payloadLength() > body.limit() - offset - Entry.HEADER_BYTES) {
                unreadableFrom = index;
                return false;
            }
            entry = valid;
            payloadIntact = batch.bodyIntact()
                    || Hash.sha256(body.slice(offset + Entry.HEADER_BYTES, valid.payloadLength()))
                            .equals(valid.payloadHash());
            offset += Entry.HEADER_BYTES + valid.payloadLength();
            count++;
            return true;
        }

        long packedPosition() {
            int entryOffset = offset - Entry.HEADER_BYTES - entry.payloadLength();
            return LogPositions.pack(batch.segment().number, batch.position() + BatchHeader.BYTES + entryOffset);
        }
    }

    // ---------------------------------------------------------------- reading

    private static ByteBuffer read(DiskFile file, long position, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            file.readFully(position, buffer);
        } catch (UncheckedIOException e) {
            // An unreadable sector (EIO on read) must not pass for the zeros of unwritten space,
            // which would end the log quietly there: it reads as garbage, which checksums reject.
            ByteBuffer garbage = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            java.util.Arrays.fill(garbage.array(), (byte) 0xFF);
            return garbage;
        }
        return buffer.flip();
    }

    private static boolean isZero(ByteBuffer buffer) {
        for (int i = 0; i < buffer.limit(); i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
