package io.chronon.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chooses the node for each attempt. Any node accepts commands (a backup forwards to the primary),
 * but going to the primary directly saves a hop, and a node that fails may be down or out of the
 * current view. So: keep using the node that answered last; after a failure, ask the nodes' status
 * who the primary is, and if nobody knows (a view change) or nobody answers, try the next configured
 * node.
 */
final class NodeSelector {
    static final String STATUS_PATH = "/chronon/status";

    private final List<URI> nodes;
    private final Transport transport;
    private final AtomicReference<URI> current;

    NodeSelector(List<URI> nodes, Transport transport) {
        this.nodes = List.copyOf(nodes);
        this.transport = transport;
        this.current = new AtomicReference<>(this.nodes.getFirst());
    }

    /** The node to try first: the one that answered last. */
    URI current() {
        return current.get();
    }

    /** Remembers a node that answered, so the next call starts there. */
    void answered(URI node) {
        current.set(node);
    }

    /**
     * The node to try after {@code failed}: the primary named by the first node whose status names
     * one, else the configured node after {@code failed}.
     *
     * @param unreachable whether {@code failed} could not be connected to; then neither its status is
     *                    asked nor is it trusted as the primary, whatever the others still believe
     * @param deadline    the {@link System#nanoTime()} after which no more status is asked
     */
    URI next(URI failed, boolean unreachable, Duration attemptTimeout, long deadline) throws InterruptedException {
        return discoverPrimary(failed, unreachable, attemptTimeout, deadline)
                .orElseGet(() -> nodes.get((nodes.indexOf(failed) + 1) % nodes.size()));
    }

    private Optional<URI> discoverPrimary(URI failed, boolean unreachable, Duration attemptTimeout, long deadline)
            throws InterruptedException {
        int start = nodes.indexOf(failed) + 1;
        for (int i = 0; i < nodes.size(); i++) {
            URI node = nodes.get((start + i) % nodes.size());
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            if (unreachable && node.equals(failed)) {
                continue;
            }
            Optional<URI> primary = askPrimary(node, min(attemptTimeout, Duration.ofNanos(remaining)));
            if (primary.isPresent() && !(unreachable && primary.get().equals(failed))) {
                return primary;
            }
        }
        return Optional.empty();
    }

    private Optional<URI> askPrimary(URI node, Duration timeout) throws InterruptedException {
        if (!(transport.send(endpoint(node, STATUS_PATH), null, Map.of(), timeout) instanceof Transport.Answer answer)
                || answer.status() != 200) {
            return Optional.empty();
        }
        try {
            NodeStatus status = Json.status(answer);
            return status.role() == NodeStatus.Role.PRIMARY
                    ? Optional.of(node)
                    : status.primary().map(member -> baseUri(member.address()));
        } catch (UnexpectedResponseException | IllegalArgumentException unreadable) {
            return Optional.empty(); // a node that cannot say is no help; another may
        }
    }

    /** A base URL from a member's {@code host:port} address (or a full URL, if that is what it gives). */
    static URI baseUri(String address) {
        String url = address.contains("://") ? address : "http://" + address;
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("not an http(s) node address: " + address);
        }
        return uri;
    }

    /** The URL of {@code path} (with any query) on the node at {@code base}, keeping a base path if any. */
    static URI endpoint(URI base, String path) {
        return URI.create(base + path);
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
