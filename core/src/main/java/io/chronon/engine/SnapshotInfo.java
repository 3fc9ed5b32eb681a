package io.chronon.engine;

import java.util.Objects;

/**
 * A snapshot as its header describes it: what it is a snapshot of, how long its body is and the
 * body's SHA-256, which is also the canonical hash of the state it holds.
 */
public record SnapshotInfo(SnapshotMeta meta, long bodyBytes, Hash bodyHash) {
    public SnapshotInfo {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(bodyHash, "bodyHash");
        Invariants.check(bodyBytes >= 0, "a body has no negative length: %s", bodyBytes);
    }

    public long index() {
        return meta.index();
    }
}
