package io.chronon.vsr;

import java.util.List;

import io.chronon.engine.Entry;
import io.chronon.engine.SnapshotInfo;

/**
 * What a {@link Replica} asks its driver to do. The replica never performs I/O itself: it returns
 * outputs, and the driver (the node in production, the simulator in tests) performs them and reports
 * back with {@link StorageEvent}s. Storage outputs must be performed in the order given, each after
 * the one before it has completed; sends may happen at once and in any order.
 */
public sealed interface Output {

    /** Send a message to replica {@code to}. */
    record Send(int to, Message message) implements Output {}

    /** Append these entries to the log and make them durable (one barrier); report {@link StorageEvent.Persisted}. */
    record Persist(List<Entry> entries) implements Output {
        public Persist {
            entries = List.copyOf(entries);
        }
    }

    /** Durably remove every log entry after {@code index}; report {@link StorageEvent.Truncated}. */
    record Truncate(long afterIndex) implements Output {}

    /**
     * Durably record the view state (manifest); report {@link StorageEvent.StateSaved}.
     * {@code recovering}: the replica has not yet recovered entries it may have lost.
     */
    record SaveState(long view, long lastNormalView, long commit, boolean recovering) implements Output {}

    /** Read entries {@code first..last} from the log for replica {@code forReplica}; report {@link StorageEvent.Loaded}. */
    record Load(long first, long last, int forReplica) implements Output {}

    /**
     * Read up to {@code maxBytes} of the body of local snapshot {@code index} from {@code offset}, for
     * replica {@code forReplica}; report {@link StorageEvent.SnapshotChunkLoaded}.
     */
    record LoadSnapshotChunk(int forReplica, long index, long offset, int maxBytes) implements Output {}

    /**
     * Write this chunk of a snapshot received from a peer (chunks come in order from offset 0; offset
     * 0 starts over). After the last chunk, verify the body against {@code snapshot.bodyHash()} and
     * make the snapshot durable. Report {@link StorageEvent.SnapshotChunkWritten}, or
     * {@link StorageEvent.SnapshotRefused} if the chunk does not continue the body or the body fails
     * its hash.
     */
    record WriteSnapshotChunk(SnapshotInfo snapshot, long offset, byte[] data) implements Output {}

    /**
     * Continue from the durable, verified snapshot received: replace the log by an empty one after
     * it and the executor's state by the snapshot's; report {@link StorageEvent.SnapshotInstalled}.
     * The replica already counts the snapshot as its log up to its index.
     */
    record InstallSnapshot(SnapshotInfo snapshot) implements Output {}

    /** These entries are committed: apply them, in order, after those of earlier outputs. */
    record Commit(List<Entry> entries) implements Output {
        public Commit {
            entries = List.copyOf(entries);
        }
    }

    /** The client request {@code requestId} was placed at {@code index}: its outcome is that entry's. */
    record Proposed(long requestId, long index) implements Output {}

    /** The client request {@code requestId} was not placed in the log; {@code primaryHint} may be −1. */
    record Refused(long requestId, Refusal refusal, int primaryHint) implements Output {}

    /** The read {@code readId} is linearizable once the state reflects every entry through {@code index}. */
    record ReadReady(long readId, long index) implements Output {}

    /** The read {@code readId} cannot be served here; {@code primaryHint} may be −1. */
    record ReadRefused(long readId, Refusal refusal, int primaryHint) implements Output {}

    /**
     * Entries after {@code index} left this replica's log without being committed (a view change
     * replaced them): requests waiting on them have an unknown outcome.
     */
    record Discarded(long afterIndex) implements Output {}

    /** Why a request or read was not accepted. */
    enum Refusal {
        /** This replica is not the primary; ask the one hinted at. */
        NOT_PRIMARY,
        /** A view change is in progress; retry shortly. */
        VIEW_CHANGE,
        /** The primary's queue is full; retry after a while. */
        OVERLOADED,
        /** This replica is recovering its state. */
        RECOVERING
    }
}
