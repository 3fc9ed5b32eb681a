package io.chronon.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node's view of the cluster, as {@code GET /chronon/status} reports it.
 *
 * @param nodeId       the node's id (as text, whatever its JSON type)
 * @param clusterId    the cluster's id
 * @param role         what the node is doing now
 * @param view         the node's current view
 * @param commitIndex  the highest index the node knows committed; empty while it does not know one
 *                     (for example while recovering)
 * @param appliedIndex the highest index the node has applied; empty before it applied any
 * @param primaryId    the id of the primary the node believes in; empty during a view change
 * @param members      every member of the cluster
 */
public record NodeStatus(String nodeId, String clusterId, Role role, long view, OptionalLong commitIndex,
                         OptionalLong appliedIndex, Optional<String> primaryId, List<Member> members) {

    /** A node's role, which decides whether it serves commands itself, forwards them, or neither. */
    public enum Role {
        PRIMARY, BACKUP, VIEW_CHANGE, RECOVERING
    }

    /**
     * A member of the cluster.
     *
     * @param id      the member's id
     * @param address where its REST API listens, as {@code host:port}
     * @param healthy whether the reporting node currently hears from it
     */
    public record Member(String id, String address, boolean healthy) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }
    }

    public NodeStatus {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(commitIndex, "commitIndex");
        Objects.requireNonNull(appliedIndex, "appliedIndex");
        Objects.requireNonNull(primaryId, "primaryId");
        members = List.copyOf(members);
    }

    /** The member this node believes is the primary, if it names one that is in {@link #members()}. */
    public Optional<Member> primary() {
        return primaryId.flatMap(id -> members.stream().filter(m -> m.id().equals(id)).findFirst());
    }
}
