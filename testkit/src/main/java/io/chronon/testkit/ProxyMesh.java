package io.chronon.testkit;

import io.chronon.testkit.LinkProxy.Direction;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * The links of an N-node cluster, each through its own {@link LinkProxy}: one proxy per ordered pair
 * {@code i -> j} ({@code i != j}), carrying the connections node {@code i} dials to node {@code j}.
 * Nodes are numbered {@code 0 .. N-1}, the same numbers as their replica ids.
 *
 * <p>Node {@code i} learns where to dial from {@link #dialAddresses(int)}, passed as
 * {@value NodeSpec#DIAL_ADDRESSES}. Bytes from {@code j} to {@code i} can travel both on the connection
 * {@code j} dialled (forward on proxy {@code j -> i}) and as answers on the one {@code i} dialled
 * (backward on proxy {@code i -> j}); the helpers cut both, so they hold whichever way a transport
 * uses its connections.
 *
 * <p>Cuts add up; {@link #heal()} removes them all.
 */
public final class ProxyMesh implements AutoCloseable {

    private final int size;
    private final LinkProxy[][] links;

    private ProxyMesh(int size) {
        this.size = size;
        this.links = new LinkProxy[size][size];
    }

    /**
     * Starts a proxy for every ordered pair of nodes.
     *
     * @param peerAddresses where node {@code j} listens for its peers, at index {@code j}
     * @param seed          seeds every link's drop draws (each link gets its own seed from this one)
     */
    public static ProxyMesh start(List<InetSocketAddress> peerAddresses, long seed) {
        int n = peerAddresses.size();
        if (n < 2) {
            throw new IllegalArgumentException("a mesh needs 2 nodes or more, not " + n);
        }
        ProxyMesh mesh = new ProxyMesh(n);
        SplittableRandom seeds = new SplittableRandom(seed);
        try {
            for (int from = 0; from < n; from++) {
                for (int to = 0; to < n; to++) {
                    if (from != to) {
                        mesh.links[from][to] = LinkProxy.start(from + "->" + to, peerAddresses.get(to), 0,
                                seeds.nextLong());
                    }
                }
            }
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
        return mesh;
    }

    /** The number of nodes. */
    public int size() {
        return size;
    }

    /** The proxy carrying the connections {@code from} dials to {@code to}. */
    public LinkProxy link(int from, int to) {
        check(from);
        check(to);
        if (from == to) {
            throw new IllegalArgumentException("no link from node " + from + " to itself");
        }
        return links[from][to];
    }

    /** Every link, in the order 0->1, 0->2, ..., 1->0, 1->2, .... */
    public List<LinkProxy> links() {
        List<LinkProxy> all = new ArrayList<>();
        for (int from = 0; from < size; from++) {
            for (int to = 0; to < size; to++) {
                if (from != to) {
                    all.add(links[from][to]);
                }
            }
        }
        return List.copyOf(all);
    }

    /**
     * Where node {@code node} dials each peer: {@code id=127.0.0.1:port,...}, peers in id order, each
     * the port of the proxy {@code node -> id}.
     */
    public String dialAddresses(int node) {
        check(node);
        StringJoiner joiner = new StringJoiner(",");
        for (int peer = 0; peer < size; peer++) {
            if (peer != node) {
                joiner.add(peer + "=" + links[node][peer].hostPort());
            }
        }
        return joiner.toString();
    }

    /** Cuts, both ways, every link between a node in {@code side} and a node outside it. */
    public void partition(Set<Integer> side) {
        side.forEach(this::check);
        for (int from = 0; from < size; from++) {
            for (int to = 0; to < size; to++) {
                if (from != to && side.contains(from) != side.contains(to)) {
                    links[from][to].cut(Direction.BOTH);
                }
            }
        }
    }

    /** Cuts every link of one node, both ways. */
    public void isolate(int node) {
        partition(Set.of(node));
    }

    /**
     * Stops the bytes from {@code from} to {@code to} while those from {@code to} to {@code from} flow:
     * forward on {@code from -> to}, backward on {@code to -> from}.
     */
    public void cutOneWay(int from, int to) {
        link(from, to).cut(Direction.FORWARD);
        link(to, from).cut(Direction.BACKWARD);
    }

    /** Heals every link. */
    public void heal() {
        links().forEach(LinkProxy::heal);
    }

    /** Sets the delay of every link. */
    public void delay(Duration delay) {
        links().forEach(l -> l.delay(delay));
    }

    /** Sets the drop probability of every link. */
    public void dropProbability(double probability) {
        links().forEach(l -> l.dropProbability(probability));
    }

    /** Closes every proxy. */
    @Override
    public void close() {
        for (LinkProxy[] row : links) {
            for (LinkProxy link : row) {
                if (link != null) {
                    link.close();
                }
            }
        }
    }

    private void check(int node) {
        if (node < 0 || node >= size) {
            throw new IllegalArgumentException("node " + node + " outside [0, " + size + ")");
        }
    }
}
