package io.chronon.bench.cluster;

import java.time.Duration;
import java.util.List;

/** Waiting for a system's replicas to agree on a leader. */
final class Leadership {
    /** The same answer twice this far apart counts as settled (not a leader about to be replaced). */
    private static final long SETTLE_MILLIS = 500;

    private Leadership() {}

    /**
     * What the replicas said when asked who leads.
     *
     * @param leader the leader's index when they agree, -1 when they do not (yet)
     * @param said   what each replica answered, for the message when they never agree
     */
    record Answer(int leader, String said) {}

    /** Asks every replica who leads. */
    interface Probe {
        Answer ask() throws Exception;
    }

    /**
     * Polls until the probe names the same leader twice in a row {@value #SETTLE_MILLIS} ms apart.
     *
     * @throws NoLeaderException when the timeout passed first
     * @throws IllegalStateException when a process exited
     */
    static int await(String system, List<ServerProcess> processes, Duration timeout, Probe probe)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int previous = -1;
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            processes.forEach(ServerProcess::requireAlive);
            int leader;
            try {
                Answer answer = probe.ask();
                leader = answer.leader();
                last = answer.said();
            } catch (Exception notReady) {
                leader = -1;
                last = notReady.toString();
            }
            if (leader >= 0 && leader == previous) {
                return leader;
            }
            previous = leader;
            Thread.sleep(leader >= 0 ? SETTLE_MILLIS : 200);
        }
        throw new NoLeaderException(system + ": no settled leader within " + timeout.toSeconds() + " s; last answers: "
                + last);
    }

    /** The replicas did not settle on a leader in time: the system was unavailable for the run. */
    static final class NoLeaderException extends IllegalStateException {
        NoLeaderException(String message) {
            super(message);
        }
    }
}
