package io.chronon.vsr;

import java.util.List;

import io.chronon.engine.Entry;

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
