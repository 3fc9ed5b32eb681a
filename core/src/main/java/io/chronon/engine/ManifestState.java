package io.chronon.engine;

import java.util.Objects;
import java.util.UUID;

/**
 * What a replica must never forget, and never let go backwards: which cluster its disk belongs to,
 * the highest view it has taken part in, the last view in which it was in normal operation, and how
 * far it knows the log to be committed.
 *
 * @param commitIndex the highest index known committed, or {@link #NO_COMMIT} before the first commit
 *                    ("nothing committed" is not "index 0 committed")
 * @param recovering  the replica may have lost entries it acknowledged (damage, a replaced disk) and
 *                    has not yet recovered them from its peers; until it has, it must not vote or
 *                    acknowledge, across restarts too
 */
public record ManifestState(UUID clusterId, long view, long lastNormalView, long commitIndex, boolean recovering) {

    public static final long NO_COMMIT = -1;

    public ManifestState {
        Objects.requireNonNull(clusterId, "clusterId");
        Invariants.check(view >= 0, "view must not be negative: %s", view);
        Invariants.check(lastNormalView >= 0 && lastNormalView <= view,
                "last normal view %s must lie in [0, view %s]", lastNormalView, view);
        Invariants.check(commitIndex >= NO_COMMIT, "commit index must be NO_COMMIT or an index: %s", commitIndex);
    }

    /** The state of a replica that has just started a new cluster. */
    public static ManifestState bootstrap(UUID clusterId) {
        return new ManifestState(clusterId, 0, 0, NO_COMMIT, false);
    }

    /** The state of a replica with a new, empty disk joining a cluster that already exists. */
    public static ManifestState joining(UUID clusterId) {
        return new ManifestState(clusterId, 0, 0, NO_COMMIT, true);
    }

    public boolean hasCommit() {
        return commitIndex != NO_COMMIT;
    }

    public ManifestState withCommitIndex(long newCommitIndex) {
        return new ManifestState(clusterId, view, lastNormalView, newCommitIndex, recovering);
    }

    public ManifestState withRecovering(boolean nowRecovering) {
        return new ManifestState(clusterId, view, lastNormalView, commitIndex, nowRecovering);
    }
}
