package io.chronon.node;

import io.chronon.vsr.Output;

/**
 * Storage work a driver hands to {@link NodeStorage#perform(StorageWork)}, one item at a time, in
 * the order the node produced it; a {@link Compaction} may go ahead of the rest.
 */
public sealed interface StorageWork {

    /**
     * Whether this work reads or changes the snapshot files: it must not run while a snapshot is
     * written beside the storage queue ({@link NodeStorage#writeSnapshot}).
     */
    default boolean touchesSnapshots() {
        return switch (this) {
            case ReplicaOutput(Output.InstallSnapshot install) -> true;
            case ReplicaOutput(Output.WriteSnapshotChunk write) -> true;
            case ReplicaOutput(Output.LoadSnapshotChunk load) -> true;
            case ReplicaOutput output -> false;
            case Compaction compaction -> true;
            case RecordCommit record -> false;
        };
    }

    /** One of the replica's storage outputs ({@link NodeOutput.Storage}). */
    record ReplicaOutput(Output output) implements StorageWork {}

    /**
     * The compaction under a snapshot ({@link NodeOutput.TakeSnapshot}) that the driver wrote with
     * {@link NodeStorage#writeSnapshot} beside this queue, so that the log's writes did not wait for it.
     */
    record Compaction(long snapshotIndex) implements StorageWork {}

    /**
     * The driver's own: record in the manifest that entries through {@code commit} are committed, now
     * and then, so that a restart notices a lost tail.
     */
    record RecordCommit(long commit) implements StorageWork {}
}
