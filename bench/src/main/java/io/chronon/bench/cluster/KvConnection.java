package io.chronon.bench.cluster;

/** The load generator's connection to one system's leader, for one run; it hands out lanes. */
interface KvConnection extends AutoCloseable {
    /** A new logical client on this connection. */
    Lane newLane();

    /**
     * Acknowledged commands whose reply named a log index that another acknowledged command of this
     * connection had already been given, or no index at all: each of them was answered without an
     * entry of its own. -1 for a system whose replies name no index.
     */
    default long acknowledgementsWithoutOwnIndex() {
        return -1;
    }

    @Override
    void close();
}
