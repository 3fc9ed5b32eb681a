package io.chronon.vsr;

import java.util.List;

import io.chronon.engine.Entry;

/** A storage output of the {@link Replica} has completed (the driver reports them in order). */
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
}
