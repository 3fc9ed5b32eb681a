package io.chronon.engine;

import java.util.Objects;
import java.util.UUID;

/**
 * What a snapshot is a snapshot of.
 *
 * @param clusterId     the cluster whose state it holds; a snapshot of another cluster is refused
 * @param schemaVersion the version of the state's encoding, chosen by whoever wrote the body, so a
 *                      newer reader can decode or refuse an older body instead of misreading it
 * @param index         the last log index the state includes
 * @param view          the view of entry {@code index}
 * @param chainHash     the hash of entry {@code index}: the entry at {@code index + 1} must link to it
 * @param timestamp     the consensus timestamp of entry {@code index}: a log continued from the
 *                      snapshot never stamps an entry earlier
 */
public record SnapshotMeta(UUID clusterId, int schemaVersion, long index, long view, Hash chainHash, long timestamp) {
    public SnapshotMeta {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(chainHash, "chainHash");
        Invariants.check(index >= 0, "snapshot index must not be negative: %s", index);
    }
}
