package io.chronon.engine;

/**
 * Something recovery found when it opened a log. Findings that are not {@link Damage} are normal
 * after a crash or harmless, and recovery has already dealt with them; every {@code Damage} marks a
 * range of entries that the log holds but cannot vouch for, which the replica must repair from its
 * peers before it relies on them.
 */
public sealed interface RecoveryFinding {

    /**
     * The last batch was cut short by a crash before its barrier returned, so it was never
     * acknowledged. Recovery discarded it and zeroed its bytes.
     */
    record TornTail(String segment, long position, long bytesZeroed) implements RecoveryFinding {}

    /** A segment whose creation a crash interrupted (it held no batch) was removed. */
    record IncompleteSegmentRemoved(String segment) implements RecoveryFinding {}

    /** A batch header was damaged; its intact trailer copy stood in for it. No data was lost. */
    record HeaderRestoredFromTrailer(String segment, long position, long sequence) implements RecoveryFinding {}

    /** A segment's own header was damaged; the batches in it describe themselves and were read. */
    record SegmentHeaderDamaged(String segment) implements RecoveryFinding {}

    /**
     * A valid batch of this log lies where it was not written: a misdirected write. It was ignored;
     * if it was meant for a place in the live log, a {@link Damage} reports that place too.
     */
    record MisplacedBatch(String segment, long foundAt, long sequence, String intendedSegment,
                          long intendedPosition) implements RecoveryFinding {}

    /** Entries the log holds but cannot vouch for: repair them from peers. */
    sealed interface Damage extends RecoveryFinding {
        /** The first index of the damaged range. */
        long firstIndex();

        /** The last index of the damaged range, or {@link Long#MAX_VALUE} when its end is unknown. */
        long lastIndex();
    }

    /** Entries whose bytes fail their checksums although their batch was written completely: bit rot. */
    record ChecksumMismatch(long firstIndex, long lastIndex, String segment, long position) implements Damage {}

    /**
     * Entries of batches that a later batch proves were made durable, but whose bytes are gone or
     * unreadable: a lost or misdirected write, or rot of a whole batch.
     */
    record MissingEntries(long firstIndex, long lastIndex, String segment, long position) implements Damage {}

    /**
     * Acknowledged entries from {@code firstIndex} on are gone and nothing tells how many there were.
     * The log ends before them; the replica must not trust its log's end.
     */
    record LostTail(long firstIndex) implements Damage {
        @Override
        public long lastIndex() {
            return Long.MAX_VALUE;
        }
    }

    /** Entry {@code index} does not link to entry {@code index - 1}: one of the two is wrong. */
    record BrokenChain(long index) implements Damage {
        @Override
        public long firstIndex() {
            return index - 1;
        }

        @Override
        public long lastIndex() {
            return index;
        }
    }

    /** A batch starts at another index than the one after its predecessor's last. */
    record IndexGap(long expectedIndex, long foundIndex) implements Damage {
        @Override
        public long firstIndex() {
            return Math.min(expectedIndex, foundIndex);
        }

        @Override
        public long lastIndex() {
            return Math.max(expectedIndex, foundIndex) - 1;
        }
    }

    /** Entry {@code index} has a lower view than the entry before it. */
    record ViewRegression(long index, long view, long previousView) implements Damage {
        @Override
        public long firstIndex() {
            return index - 1;
        }

        @Override
        public long lastIndex() {
            return index;
        }
    }

    /** A snapshot failed verification and was skipped; an older one or the log stands in for it. */
    record SnapshotDamaged(String reason) implements RecoveryFinding {}

    /**
     * The manifest says entries up to {@code lastIndex} were committed, but neither the log nor a
     * snapshot here holds them: for example the lost write of the log's last batch, which the log
     * alone cannot see.
     */
    record CommittedEntriesMissing(long firstIndex, long lastIndex) implements Damage {}

    /**
     * The log is gone but a snapshot of {@code firstIndex - 1} is here (a crash while the log was
     * being replaced to continue from a received snapshot, or files lost): an empty log continues
     * from the snapshot, and whatever the lost log held after it must come from peers.
     */
    record LogMissing(long firstIndex) implements Damage {
        @Override
        public long lastIndex() {
            return Long.MAX_VALUE;
        }
    }

    /** Neither the newest snapshot nor the log holds these entries. */
    record GapBeforeLog(long firstIndex, long lastIndex) implements Damage {}

    /** The snapshot at {@code index} ends at another entry than the log's entry {@code index}. */
    record SnapshotDisagreesWithLog(long index) implements Damage {
        @Override
        public long firstIndex() {
            return index;
        }

        @Override
        public long lastIndex() {
            return index;
        }
    }
}
