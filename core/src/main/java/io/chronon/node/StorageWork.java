package io.chronon.node;

import io.chronon.kernel.Executor;
import io.chronon.vsr.Output;

/**
 * Storage work a driver hands to {@link NodeStorage#perform(StorageWork)}, one item at a time, in
 * the order the node produced it.
 */
public sealed interface StorageWork {

    /** One of the replica's storage outputs ({@link NodeOutput.Storage}). */
    record ReplicaOutput(Output output) implements StorageWork {}

    /** A snapshot to write, then the compaction under it ({@link NodeOutput.TakeSnapshot}). */
    record Snapshot(Executor.Checkpoint checkpoint) implements StorageWork {}

    /**
     * The driver's own: record in the manifest that entries through {@code commit} are committed, now
     * and then, so that a restart notices a lost tail.
     */
    record RecordCommit(long commit) implements StorageWork {}
}
