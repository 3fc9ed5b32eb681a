package io.chronon.quarkus;

import io.chronon.vsr.Message;

/** How a replica's messages reach its peers. Delivery is best effort: the protocol copes with loss. */
@FunctionalInterface
interface PeerNetwork {
    /** A single-replica cluster has no peer: a message to one is a bug. */
    PeerNetwork NONE = (to, message) -> {
        throw new IllegalStateException("a single-replica node has no peer to send to: " + message);
    };

    void send(int to, Message message);
}
