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
 */
public record ManifestState(UUID clusterId, long view, long lastNormalView, long commitIndex) {

    public static final long NO_COMMIT = -1;

    public ManifestState {
        Objects.requireNonNull(clusterId, "clusterId");
        Invariants.check(view >= 0, "view must not be negative: %s", view);
        Invariants.check(lastNormalView >= 0 && lastNormalView <= view,
                "last normal view %s must lie in [0, view %s]", lastNormalView, view);
        Invariants.check(commitIndex >= NO_COMMIT, "commit index must be NO_COMMIT or an index: %s", commitIndex);
    }

    /** The state of a replica that has just joined a new cluster. */
    public static ManifestState bootstrap(UUID clusterId) {
        return new ManifestState(clusterId, 0, 0, NO_COMMIT);
    }

    public boolean hasCommit() {
        return commitIndex != NO_COMMIT;
    }

    public ManifestState withView(long newView) {
        return new ManifestState(clusterId, newView, lastNormalView, commitIndex);
    }

    public ManifestState withNormalView(long newView) {
        return new ManifestState(clusterId, newView, newView, commitIndex);
    }

    public ManifestState withCommitIndex(long newCommitIndex) {
        return new ManifestState(clusterId, view, lastNormalView, newCommitIndex);
    }
}
