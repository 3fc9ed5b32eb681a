package io.chronon.node;

import io.chronon.engine.Invariants;

/**
 * When snapshots are taken and how much history stays behind them.
 *
 * <p>A snapshot is taken after index i when i + 1 is a multiple of {@code everyEntries}, or when the
 * payload bytes applied since the start cross a multiple of {@code everyBytes}. Both are functions of
 * the log alone, so every replica snapshots at the same indices and their state hashes can be
 * compared there.
 *
 * @param everyEntries     entries between snapshots ({@code chronon.snapshot.every-entries})
 * @param everyBytes       payload bytes between snapshots ({@code chronon.snapshot.every-bytes})
 * @param retainEntries    entries kept in the log below the newest snapshot, for time travel
 *                         ({@code chronon.history.retain-entries}); the log also keeps everything
 *                         after the snapshot before it, so a damaged newest snapshot can fall back
 * @param digestsPerCheckpoint applied-state digests a node sends its peers in one checkpoint
 */
public record SnapshotOptions(long everyEntries, long everyBytes, long retainEntries, int digestsPerCheckpoint) {
    public static final SnapshotOptions DEFAULTS = new SnapshotOptions(100_000, 256L << 20, 100_000, 256);

    public SnapshotOptions {
        Invariants.check(everyEntries >= 1 && everyBytes >= 1, "snapshot intervals are positive");
        Invariants.check(retainEntries >= 0, "retained history is not negative: %s", retainEntries);
        Invariants.check(digestsPerCheckpoint >= 1, "a checkpoint carries at least one digest");
    }

    /** Whether the entry that took the applied bytes from {@code bytesBefore} to {@code bytesAfter} at {@code index} ends a snapshot interval. */
    public boolean snapshotAfter(long index, long bytesBefore, long bytesAfter) {
        return (index + 1) % everyEntries == 0 || bytesBefore / everyBytes != bytesAfter / everyBytes;
    }
}
