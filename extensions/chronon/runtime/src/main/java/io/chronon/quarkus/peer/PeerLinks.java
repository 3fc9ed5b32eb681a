package io.chronon.quarkus.peer;

import java.util.List;
import java.util.UUID;

import io.chronon.vsr.Message;

/** This replica's outbound links, one per peer, dialled at the peers' dial addresses. */
public final class PeerLinks implements AutoCloseable {
    private final int self;
    private final OutboundLink[] links;

    /**
     * @param dialAddresses where to dial each replica ({@code host:port}), by id; this replica's own
     *                      entry is not dialled
     */
    public PeerLinks(int self, List<String> dialAddresses, UUID cluster, PeerSecret secret, PeerCounters counters) {
        this.self = self;
        this.links = new OutboundLink[dialAddresses.size()];
        for (int id = 0; id < links.length; id++) {
            if (id != self) {
                links[id] = new OutboundLink(self, id, dialAddresses.get(id), cluster, secret, counters);
            }
        }
        for (OutboundLink link : links) {
            if (link != null) {
                link.start();
            }
        }
    }

    public void send(int to, Message message) {
        if (to == self || to < 0 || to >= links.length) {
            throw new IllegalArgumentException("replica " + self + " cannot send to " + to + ": " + message);
        }
        links[to].send(message);
    }

    /** Whether this replica's link to {@code id} is up (this replica itself counts as up). */
    public boolean connected(int id) {
        return id == self || links[id].connected();
    }

    @Override
    public void close() {
        for (OutboundLink link : links) {
            if (link != null) {
                link.close();
            }
        }
    }
}
