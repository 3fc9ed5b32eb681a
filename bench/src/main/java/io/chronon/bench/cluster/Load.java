package io.chronon.bench.cluster;

import java.time.Duration;

/** Requests being issued against a connection until {@link #stopAndDrain}. */
interface Load {
    /**
     * Starts issuing requests as the workload says: closed loop (and batching) or open loop.
     *
     * @param requestTimeout a request not answered in this time counts as a timeout
     */
    static Load start(Workload workload, KvConnection connection, Tally tally, Duration requestTimeout) {
        return switch (workload.kind()) {
            case CLOSED, BATCH -> ClosedLoop.start(connection, workload.clients(), workload.batchSize(), tally,
                    requestTimeout);
            case OPEN -> OpenLoop.start(connection, workload.ratePerSecond(), workload.clients(), tally, requestTimeout);
        };
    }

    /**
     * Sends nothing new, then waits (at most {@code patience}) for the requests in flight. Calling it again
     * returns the first answer at once.
     */
    Drained stopAndDrain(Duration patience) throws InterruptedException;

    /**
     * @param unanswered requests still in flight when patience ran out (0 normally): their outcome is unknown
     * @param neverSent  open loop: scheduled requests still queued in the generator at the stop, because
     *                   every lane was busy (a backlog: the system was not keeping up with the rate)
     */
    record Drained(long unanswered, long neverSent) {}
}
