package io.chronon.bench.cluster;

import java.time.Duration;
import java.util.List;

/** Three replicas of one system on loopback, started and stopped by the benchmark. */
interface SystemUnderTest extends AutoCloseable {
    /** {@code chronon}, {@code etcd} or {@code ratis}. */
    String name();

    /** Starts the three processes on fresh data directories of the workspace, and waits for a leader. */
    void start(Workspace workspace) throws Exception;

    List<ServerProcess> processes();

    /** Waits until one replica leads and the others follow it, and remembers which. */
    void awaitLeader(Duration timeout) throws InterruptedException;

    /** A connection to the leader found by {@link #awaitLeader}. */
    KvConnection connect();

    /** The leader's counters now. */
    ServerCounters counters();

    /** How many commands one unit of {@link ServerCounters#committed} stands for under this workload. */
    default int commandsPerCommitted(Workload workload) {
        return 1;
    }

    /** What {@link ServerCounters#committed} counts, for the report. */
    String committedUnit();

    /** The stop-the-world pauses of the servers between two readings taken at these epoch milliseconds. */
    GcPauses gcPauses(ServerCounters before, ServerCounters after, long fromMillis, long toMillis);

    /** CPU time of all its processes so far, in nanoseconds. */
    default long cpuNanos() {
        return processes().stream().mapToLong(ServerProcess::cpuNanos).sum();
    }

    /** Freezes every process (SIGSTOP) while another system is measured. */
    default void freeze() {
        processes().forEach(ServerProcess::freeze);
    }

    default void thaw() {
        processes().forEach(ServerProcess::thaw);
    }

    @Override
    default void close() {
        processes().forEach(ServerProcess::close);
    }
}
