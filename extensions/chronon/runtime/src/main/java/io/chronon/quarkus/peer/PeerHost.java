package io.chronon.quarkus.peer;

import java.util.UUID;

import io.chronon.node.ClusterBootstrap;
import io.chronon.vsr.Message;

/** What the peer service needs from the node of this process. */
public interface PeerHost {
    /** This replica's id. */
    int self();

    /** How many replicas the cluster has. */
    int members();

    /** The cluster this replica belongs to, or null while its directory is empty and it bootstraps. */
    UUID clusterId();

    /** What this replica tells an empty peer that asks (see {@link ClusterBootstrap}). */
    ClusterBootstrap.PeerDirectory directory();

    /** A message from an authenticated peer, already checked to come from it and from this cluster. */
    void deliver(Message message);

    /**
     * This replica's applied-state digests after each of {@code indices}, rebuilt from its history.
     *
     * @throws IllegalStateException saying why, when it cannot (not applied yet, no longer retained)
     */
    byte[][] digests(long[] indices);
}
