package io.chronon.vsr;

import java.util.List;

import io.chronon.engine.Entry;
import io.chronon.engine.SnapshotInfo;

/**
 * A storage output of the {@link Replica} has completed (the driver reports them in order), or, for
 * {@link SnapshotSaved}, the driver tells what it did on its own.
 */
public sealed interface StorageEvent {

    /** Everything persisted so far is durable; the log is durable through {@code index}. */
    record Persisted(long index) implements StorageEvent {}

    /** The truncation after {@code index} is durable. */
    record Truncated(long afterIndex) implements StorageEvent {}

    /** The view state is durable. */
    record StateSaved(long view, long lastNormalView, long commit) implements StorageEvent {}

    /** Entries read for a peer; empty if the log no longer (or not yet) holds them. */
    record Loaded(int forReplica, long first, List<Entry> entries) implements StorageEvent {
        public Loaded {
            entries = List.copyOf(entries);
        }
    }

    /** A chunk of a local snapshot read for a peer; {@code data} is null if the snapshot is gone. */
    record SnapshotChunkLoaded(int forReplica, long index, long offset, byte[] data) implements StorageEvent {}

    /**
     * A chunk of a received snapshot is written: the body is written up to {@code end}; when that is
     * the whole body, it verified and the snapshot is durable.
     */
    record SnapshotChunkWritten(long index, long end) implements StorageEvent {}

    /** A received snapshot's chunk did not continue its body, or its body failed the announced hash. */
    record SnapshotRefused(long index, String reason) implements StorageEvent {}

    /** The log now continues from the received snapshot, and the executor holds its state. */
    record SnapshotInstalled(SnapshotInfo snapshot) implements StorageEvent {}

    /**
     * The driver took a snapshot and compacted the log: {@code snapshot} can be offered to peers that
     * lag behind, and the log begins at {@code logFirstIndex}. Also reported once at start.
     */
    record SnapshotSaved(SnapshotInfo snapshot, long logFirstIndex) implements StorageEvent {}
}
