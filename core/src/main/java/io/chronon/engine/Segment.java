package io.chronon.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One preallocated segment file of the log. Filled front to back by batches, never rewritten,
 * removed whole by compaction once no reader holds it.
 */
final class Segment {
    static final String PREFIX = "log-";
    static final String SUFFIX = ".seg";
    /** The next segment's file while it is zero-filled ahead of time: never read as part of the log. */
    static final String SPARE = "log-spare.tmp";

    final long number;
    final DiskFile file;
    /**
     * The size the segment was created with. Batches go only below it: a misdirected write can grow
     * the file, and must not make the writer think there is more room.
     */
    final long bytes;
    final long baseIndex;
    final Hash baseHash;
    /** The highest entry index ever written into this segment; never decreases. */
    long maxIndexWritten;
    /** Readers holding this segment; compaction deletes it only when none does. */
    final AtomicInteger readers = new AtomicInteger();
    /** Compacted: to be deleted when the last reader leaves. */
    boolean retired;

    Segment(long number, DiskFile file, long bytes, long baseIndex, Hash baseHash) {
        this.number = number;
        this.file = file;
        this.bytes = bytes;
        this.baseIndex = baseIndex;
        this.baseHash = baseHash;
        this.maxIndexWritten = baseIndex - 1;
    }

    static String fileName(long number) {
        return String.format("%s%016d%s", PREFIX, number, SUFFIX);
    }

    /** The segment number in a file name, or -1 if the name is not a segment's. */
    static long numberOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)
                || fileName.length() != PREFIX.length() + 16 + SUFFIX.length()) {
            return -1;
        }
        String digits = fileName.substring(PREFIX.length(), PREFIX.length() + 16);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }

    String name() {
        return fileName(number);
    }
}
