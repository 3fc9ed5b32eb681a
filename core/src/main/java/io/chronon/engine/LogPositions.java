package io.chronon.engine;

import java.util.Arrays;

/**
 * Where each live entry lies: index to (segment, byte position), packed in one long, stored in
 * fixed-size chunks so the map grows without copying and drops compacted chunks cheaply.
 * {@link #UNKNOWN} marks a damaged entry whose bytes cannot be located.
 *
 * <p>Not thread-safe: the {@link Log} guards it.
 */
final class LogPositions {
    static final long UNKNOWN = -1;
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int OFFSET_BITS = 40;

    /** The index of slot 0 of chunk 0; a multiple of the chunk size. */
    private long origin;
    /** The lowest index the map may hold: the log's first index. */
    private long first;
    private long[][] chunks = new long[0][];
    /** One past the highest index stored. */
    private long end;

    LogPositions(long firstIndex) {
        origin = firstIndex & ~(CHUNK - 1L);
        first = firstIndex;
        end = firstIndex;
    }

    static long pack(long segment, long offset) {
        Invariants.check(offset >= 0 && offset < (1L << OFFSET_BITS), "offset out of range: %s", offset);
        Invariants.check(segment >= 0 && segment < (1L << (63 - OFFSET_BITS)), "segment out of range: %s", segment);
        return segment << OFFSET_BITS | offset;
    }

    static long segmentOf(long packed) {
        return packed >>> OFFSET_BITS;
    }

    static long offsetOf(long packed) {
        return packed & ((1L << OFFSET_BITS) - 1);
    }

    long end() {
        return end;
    }

    /** Stores the position of {@code index}, which is at most one past the current end. */
    void set(long index, long packed) {
        Invariants.check(index >= first && index <= end, "position of %s set outside [%s, %s]", index, first, end);
        int chunk = (int) ((index - origin) >>> CHUNK_SHIFT);
        if (chunk >= chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length * 2));
        }
        if (chunks[chunk] == null) {
            chunks[chunk] = new long[CHUNK];
        }
        chunks[chunk][(int) ((index - origin) & (CHUNK - 1))] = packed;
        end = Math.max(end, index + 1);
    }

    long get(long index) {
        Invariants.check(index >= first && index < end, "position of %s asked outside [%s, %s)", index, first, end);
        return chunks[(int) ((index - origin) >>> CHUNK_SHIFT)][(int) ((index - origin) & (CHUNK - 1))];
    }

    /** Forgets every index above {@code index} (but never goes below the first index). */
    void truncateAfter(long index) {
        end = Math.max(first, Math.min(end, index + 1));
    }

    /** Makes {@code index} the first index, releasing the chunks that hold only indices below it. */
    void dropBefore(long index) {
        Invariants.check(index >= first, "the first index moves only forward: %s -> %s", first, index);
        first = index;
        end = Math.max(end, index);
        int drop = (int) Math.min((index - origin) >>> CHUNK_SHIFT, chunks.length);
        if (drop > 0) {
            chunks = Arrays.copyOfRange(chunks, drop, Math.max(drop + 4, chunks.length));
            origin += (long) drop << CHUNK_SHIFT;
        }
    }
}
