package io.chronon.node;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import io.chronon.engine.Invariants;

/**
 * What a replica with an empty data directory does before it starts: found a new cluster, join one
 * as a founding member, or join one as a replica that lost its disk. A pure decision over what its
 * peers answered, so that it is tested without a network.
 *
 * <p>The danger it avoids: an empty disk is either a brand-new member or a member that lost what it
 * had acknowledged. Treating the second as the first (normal, empty log) lets a view change forget
 * committed entries. So an empty replica joins as a founding member only while it can see that the
 * cluster holds nothing yet: every peer answered, and each is empty or still at genesis (no entry,
 * no commit, not recovering). As soon as one peer reports a cluster past genesis, the empty replica joins it
 * recovering, and the recovery protocol rebuilds it from a quorum. A new cluster id is drawn only
 * when every peer answered empty, and only by replica 0, so that simultaneous first starts agree.
 */
public final class ClusterBootstrap {
    private ClusterBootstrap() {}

    /** What a peer says about its data directory. */
    public sealed interface PeerDirectory {
        /** The peer's directory is empty too: it is waiting for the same decision. */
        record Empty() implements PeerDirectory {}

        /**
         * The peer belongs to {@code clusterId}. {@code genesis}: it is not recovering and holds no entry
         * and no commit (whatever its view: views change while peers are still starting), so nothing it
         * knows of can have been acknowledged.
         */
        record Member(UUID clusterId, boolean genesis) implements PeerDirectory {
            public Member {
                Objects.requireNonNull(clusterId, "clusterId");
            }
        }
    }

    /** What the empty replica does. */
    public sealed interface Decision {
        /** Not enough is known yet: ask the peers again later. */
        record Wait(String reason) implements Decision {}

        /** Start a new cluster (replica 0 only, every peer empty). */
        record Found() implements Decision {}

        /**
         * Join {@code clusterId}: as a founding member ({@code recovering} false) or, because the
         * cluster may hold entries this replica once acknowledged, recovering.
         */
        record Join(UUID clusterId, boolean recovering) implements Decision {}

        /** The peers belong to different clusters: a configuration error a person must resolve. */
        record Conflict(String reason) implements Decision {}
    }

    /**
     * @param self    this replica's id
     * @param members how many replicas the cluster has
     * @param answers what the peers answered so far, by replica id (never {@code self})
     */
    public static Decision decide(int self, int members, Map<Integer, PeerDirectory> answers) {
        Invariants.check(members >= 1 && members % 2 == 1, "a cluster has an odd number of members: %s", members);
        Invariants.check(self >= 0 && self < members, "replica %s is not one of %s members", self, members);
        Map<Integer, PeerDirectory> sorted = new TreeMap<>(answers);
        for (int peer : sorted.keySet()) {
            Invariants.check(peer >= 0 && peer < members && peer != self, "answer from %s, not a peer of %s", peer,
                    self);
        }
        UUID cluster = null;
        boolean pastGenesis = false;
        for (Map.Entry<Integer, PeerDirectory> answer : sorted.entrySet()) {
            if (answer.getValue() instanceof PeerDirectory.Member member) {
                if (cluster != null && !cluster.equals(member.clusterId())) {
                    return new Decision.Conflict("replica " + answer.getKey() + " belongs to cluster "
                            + member.clusterId() + " but another peer to " + cluster + ": chronon.members mixes"
                            + " two clusters");
                }
                cluster = member.clusterId();
                pastGenesis |= !member.genesis();
            }
        }
        if (pastGenesis) {
            return new Decision.Join(cluster, true);
        }
        int peers = members - 1;
        if (sorted.size() < peers) {
            return new Decision.Wait(sorted.size() + " of " + peers + " peers answered; an empty replica needs"
                    + " every peer's answer unless one already holds the cluster's history");
        }
        if (cluster != null) {
            return new Decision.Join(cluster, false);
        }
        if (self == 0) {
            return new Decision.Found();
        }
        return new Decision.Wait("every replica is empty: replica 0 founds the cluster");
    }
}
