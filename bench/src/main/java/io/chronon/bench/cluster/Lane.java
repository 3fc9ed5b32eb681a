package io.chronon.bench.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One logical client of a system: it carries one request at a time, so a system that keeps per-client
 * order (Chronon's sessions, a Ratis client's sliding window) sees requests in order.
 */
interface Lane {
    /**
     * Puts {@link KeySpace#VALUE} under every key, as one request (a single put when there is one key,
     * the system's batching form otherwise). Completes when the system acknowledged every put as
     * committed; exceptionally with {@link RefusedException} when it answered with a failure.
     */
    CompletableFuture<Void> put(List<String> keys);
}
