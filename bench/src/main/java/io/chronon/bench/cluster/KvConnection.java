package io.chronon.bench.cluster;

/** The load generator's connection to one system's leader, for one run; it hands out lanes. */
interface KvConnection extends AutoCloseable {
    /** A new logical client on this connection. */
    Lane newLane();

    @Override
    void close();
}
