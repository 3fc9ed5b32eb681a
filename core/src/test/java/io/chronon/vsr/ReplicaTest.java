package io.chronon.vsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import org.junit.jupiter.api.Test;

/**
 * Targeted protocol scenarios on a fully controlled cluster. Several are the defects listed in §9 of
 * the original Chronon's specification (numbered there), and several are bugs the simulator found,
 * kept as named regressions.
 */
class ReplicaTest {
    private static final UUID CLIENT = new UUID(7, 7);

    private static byte[] payload(int value) {
        return new byte[] {(byte) value};
    }

    @Test
    void aClusterCommitsAndEveryReplicaAppliesTheSameEntries() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        for (int request = 1; request <= 5; request++) {
            cluster.submit(primary, request, CLIENT, request, payload(request));
        }
        cluster.tick(5);
        for (int id = 0; id < 3; id++) {
            assertEquals(4, cluster.replica(id).commitIndex(), "replica " + id);
            assertEquals(cluster.committed.get(primary), cluster.committed.get(id));
        }
        assertEquals(5, cluster.answers(Output.Proposed.class).size());
    }

    /** §9.1: the original committed index 0 before any quorum; "nothing committed" must stay distinct. */
    /**
     * Found running the packaged node: a one-replica cluster restarted with entries in its log that
     * its saved state did not yet record as committed. As the primary of its new view it is the whole
     * quorum, yet it waited for acknowledgements that never come, so nothing committed again.
     */
    @Test
    void aSingleReplicaCommitsTheEntriesItInheritsAfterARestart() {
        Cluster cluster = new Cluster(1);
        cluster.settle();
        for (int request = 1; request <= 3; request++) {
            cluster.submit(0, request, CLIENT, request, payload(request));
        }
        cluster.tick(3);
        assertEquals(2, cluster.replica(0).commitIndex());
        cluster.crash(0);
        Replica.SavedState saved = cluster.disks[0].state;
        cluster.disks[0].state = new Replica.SavedState(saved.view(), saved.lastNormalView(), Message.NO_COMMIT,
                saved.recovering());
        cluster.start(0);
        cluster.settle();
        cluster.tick(3);
        assertEquals(2, cluster.replica(0).commitIndex(), "the inherited entries commit without a new request");
    }

    @Test
    void nothingIsCommittedWithoutAQuorum() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        cluster.isolate(primary);
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.tick(4);
        assertEquals(0, cluster.replica(primary).durableOp(), "the primary holds the entry durably");
        for (int id = 0; id < 3; id++) {
            assertEquals(Message.NO_COMMIT, cluster.replica(id).commitIndex(), "replica " + id);
            assertTrue(cluster.committed.get(id).isEmpty());
        }
    }

    /** A replica never commits past its own durable log, whatever the primary says. */
    @Test
    void aBackupNeverCommitsPastItsDurableLog() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        int slow = (primary + 1) % 3;
        cluster.holdStorage[slow] = true;
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        assertEquals(0, cluster.replica(primary).commitIndex(), "the primary and the other backup are a quorum");
        assertEquals(Message.NO_COMMIT, cluster.replica(slow).commitIndex(), "the slow backup has nothing durable yet");
        cluster.releaseStorage(slow);
        cluster.tick(3);
        assertEquals(0, cluster.replica(slow).commitIndex());
    }

    /**
     * Found by the second soak (seeds 941, 8867): a lost acknowledgement was never repeated, so the
     * last entries stayed uncommitted while no new request came. Heartbeat answers repeat it.
     */
    @Test
    void aLostAcknowledgementIsRepeatedWithTheNextHeartbeatAnswer() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        int a = (primary + 1) % 3;
        int b = (primary + 2) % 3;
        cluster.block(a, primary);
        cluster.block(b, primary);
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.deliverAll();
        assertEquals(0, cluster.replica(a).durableOp());
        assertEquals(Message.NO_COMMIT, cluster.replica(primary).commitIndex(), "every acknowledgement was lost");
        cluster.heal();
        cluster.tick(3);
        assertEquals(0, cluster.replica(primary).commitIndex(), "a heartbeat answer repeated it");
    }

    /** §9.4: a retry of a request still in flight was appended again; it must be answered from the log. */
    @Test
    void aRetryInFlightIsNotAppendedTwice() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        for (int id = 0; id < 3; id++) {
            cluster.holdStorage[id] = id != primary;
        }
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.deliverAll();
        cluster.submit(primary, 2, CLIENT, 1, payload(1));
        for (int id = 0; id < 3; id++) {
            cluster.releaseStorage(id);
        }
        cluster.tick(3);
        assertEquals(0, cluster.replica(primary).op(), "one entry for one request");
        assertEquals(List.of(new Output.Proposed(1, 0), new Output.Proposed(2, 0)),
                cluster.answers(Output.Proposed.class));
    }

    /** §9.15: one flaky node could force an election; a vote alone must not move the cluster. */
    @Test
    void aBackupThatLostThePrimaryCannotForceAnElection() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        long view = cluster.replica(primary).view();
        int cutOff = (primary + 1) % 3;
        int other = (primary + 2) % 3;
        cluster.block(primary, cutOff);
        cluster.tick(60);
        assertEquals(view, cluster.replica(primary).view());
        assertEquals(view, cluster.replica(other).view());
        assertEquals(Replica.Status.NORMAL, cluster.replica(other).status());
        assertEquals(view, cluster.replica(cutOff).view(), "its vote alone does not move it either");
        assertEquals(primary, cluster.primary());
    }

    /** §9.14: a dead next primary stalled the original's view change forever. */
    @Test
    void aDeadNextPrimaryDoesNotStallTheViewChange() {
        Cluster cluster = new Cluster(5);
        int first = cluster.settle();
        cluster.submit(first, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        long view = cluster.replica(first).view();
        cluster.crash(first);
        cluster.crash((first + 1) % 5);
        cluster.tick(200);
        int primary = cluster.primary();
        assertTrue(primary >= 0 && primary != first && primary != (first + 1) % 5, "a live replica leads: " + primary);
        assertTrue(cluster.replica(primary).view() >= view + 2, "the dead next primary's view was skipped");
        cluster.submit(primary, 2, CLIENT, 2, payload(2));
        cluster.tick(5);
        assertEquals(1, cluster.replica(primary).commitIndex());
    }

    /** §9.2 and §9.16: a committed entry survives the view change, and inherited entries get committed. */
    @Test
    void entriesTheOldPrimaryPreparedAreCommittedByTheNewOne() {
        Cluster cluster = new Cluster(3);
        int old = cluster.settle();
        int a = (old + 1) % 3;
        int b = (old + 2) % 3;
        cluster.block(a, old);
        cluster.block(b, old);
        cluster.submit(old, 1, CLIENT, 1, payload(1));
        cluster.submit(old, 2, CLIENT, 2, payload(2));
        cluster.tick(2);
        assertEquals(Message.NO_COMMIT, cluster.replica(old).commitIndex(), "no acknowledgement reached the primary");
        assertEquals(1, cluster.replica(a).op(), "the backups hold the entries");
        cluster.crash(old);
        cluster.heal();
        cluster.tick(100);
        int primary = cluster.primary();
        assertTrue(primary == a || primary == b, "primary " + primary);
        assertEquals(1, cluster.replica(primary).commitIndex(), "the inherited entries were re-prepared and committed");
        assertEquals(cluster.committed.get(a), cluster.committed.get(b));
    }

    /** A backup's divergent suffix is truncated when it adopts the new view's log (§9.2). */
    @Test
    void aDivergentUncommittedSuffixIsTruncated() {
        Cluster cluster = new Cluster(3);
        int old = cluster.settle();
        cluster.submit(old, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        cluster.isolate(old);
        cluster.submit(old, 2, CLIENT, 2, payload(2));
        cluster.tick(1);
        assertEquals(1, cluster.replica(old).op(), "the isolated primary appended an entry nobody else has");
        cluster.tick(100);
        int primary = cluster.primary();
        assertTrue(primary >= 0 && primary != old);
        cluster.submit(primary, 3, CLIENT, 3, payload(3));
        cluster.tick(3);
        cluster.heal();
        cluster.tick(60);
        assertEquals(cluster.committed.get(primary), cluster.committed.get(old));
        assertEquals(cluster.disks[primary].log, cluster.disks[old].log, "the old suffix is gone from the old primary's disk");
        assertEquals(1, cluster.answers(Output.Discarded.class).size());
    }

    /** Found by the simulator (seeds 18, 19): a restarted primary led its old view again. */
    @Test
    void aRestartedPrimaryDoesNotLeadItsOldViewAgain() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        long view = cluster.replica(primary).view();
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        cluster.crash(primary);
        cluster.start(primary);
        assertNotEquals(Replica.Status.NORMAL, cluster.replica(primary).status());
        assertTrue(cluster.replica(primary).view() > view);
        int next = cluster.settle();
        assertTrue(cluster.replica(next).view() > view);
    }

    /**
     * Found by the simulator (seed 64): a replica that entered a higher view after a quorum vote was
     * stranded above a cluster that carried on below it. Backups that hear their primary do not
     * follow it (their primary may hold a read lease); the primary steps down into that view, and
     * the rest follow once they no longer hear it.
     */
    @Test
    void aReplicaStrandedInAHigherViewIsFollowedWithoutBreakingTheLease() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        int backup = (primary + 1) % 3;
        int stranded = (primary + 2) % 3;
        long view = cluster.replica(backup).view();
        cluster.replica(backup).receive(new Message.StartViewChange(Cluster.CLUSTER, stranded, view + 5, false));
        assertEquals(view, cluster.replica(backup).view(), "a vote alone does not move a replica that hears its primary");
        cluster.replica(backup).receive(new Message.StartViewChange(Cluster.CLUSTER, stranded, view + 5, true));
        assertEquals(view, cluster.replica(backup).view(), "nor does an entered view while the primary may hold a lease");
        cluster.replica(primary).receive(new Message.StartViewChange(Cluster.CLUSTER, stranded, view + 5, true));
        assertEquals(view + 5, cluster.replica(primary).view(), "the primary steps down into the entered view");
        assertEquals(Replica.Status.VIEW_CHANGE, cluster.replica(primary).status());
        int next = cluster.settle();
        assertTrue(cluster.replica(next).view() >= view + 5);
    }

    /** Found by the soak (seed 2257 of the first 10,000): a primary leading a view the others had left. */
    @Test
    void aPrimaryStepsDownWhenAVoteShowsTheOthersLeftItsView() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        long view = cluster.replica(primary).view();
        int other = (primary + 1) % 3;
        cluster.replica(primary).receive(new Message.StartViewChange(Cluster.CLUSTER, other, view + 1, false));
        assertEquals(view, cluster.replica(primary).view(), "a vote for the next view is only a vote");
        cluster.replica(primary).receive(new Message.StartViewChange(Cluster.CLUSTER, other, view + 2, false));
        assertEquals(view + 2, cluster.replica(primary).view(), "its sender is already past this primary's view");
    }

    /** Found by the soak (seed 2257 of the first 10,000): a lower vote never met a stale higher one. */
    @Test
    void aBackupVotesForTheHighestViewAnyoneVotedFor() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        long view = cluster.replica(primary).view();
        int a = (primary + 1) % 3;
        int b = (primary + 2) % 3;
        cluster.crash(primary);
        cluster.replica(a).receive(new Message.StartViewChange(Cluster.CLUSTER, b, view + 4, false));
        cluster.network.clear();
        cluster.block(b, a);
        cluster.tick(60);
        assertEquals(Replica.Status.VIEW_CHANGE, cluster.replica(a).status());
        cluster.heal();
        int next = cluster.settle();
        assertTrue(cluster.replica(next).view() >= view + 4, "the higher vote was joined, not outvoted by a lower one");
    }

    @Test
    void aLeaseReadIsServedAtOnceWhileTheLeaseHolds() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        cluster.read(primary, 50, ReadConsistency.LEASE);
        assertEquals(List.of(new Output.ReadReady(50, 0)), cluster.answers(Output.ReadReady.class),
                "no round needed while a recent heartbeat round holds the lease");
        cluster.isolate(primary);
        cluster.tick(Cluster.config(3, primary).leaseTicks() + 2);
        cluster.read(primary, 51, ReadConsistency.LEASE);
        cluster.tick(3);
        assertEquals(1, cluster.answers(Output.ReadReady.class).size(), "the lease lapsed and no round can confirm");
    }

    /** §9.18: restart and rejoin were missing; a whole cluster restarting at once must come back. */
    @Test
    void aWholeClusterRestartComesBack() {
        Cluster cluster = new Cluster(3);
        cluster.submit(cluster.settle(), 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        for (int id = 0; id < 3; id++) {
            cluster.crash(id);
        }
        for (int id = 0; id < 3; id++) {
            cluster.start(id);
        }
        int primary = cluster.settle();
        cluster.submit(primary, 2, CLIENT, 2, payload(2));
        cluster.tick(5);
        assertEquals(1, cluster.replica(primary).commitIndex());
        assertEquals(payload(1)[0], cluster.committed.get(primary).getFirst().payload()[0]);
    }

    /** §9.3: consensus timestamps are the primary's, replicated, and never go backwards across views. */
    @Test
    void consensusTimestampsNeverGoBackwards() {
        Cluster cluster = new Cluster(3);
        int old = cluster.settle();
        cluster.submit(old, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        long first = cluster.committed.get(old).getFirst().timestamp();
        cluster.crash(old);
        cluster.clock = 5;
        int primary = cluster.settle();
        cluster.submit(primary, 2, CLIENT, 2, payload(2));
        cluster.tick(3);
        Entry second = cluster.committed.get(primary).get(1);
        assertTrue(second.timestamp() > first, "the new primary's clock is behind, its timestamps are not");
        int backup = 3 - old - primary;
        assertEquals(second.timestamp(), cluster.committed.get(backup).get(1).timestamp(), "replicated, not rewritten");
    }

    @Test
    void linearizableReadsWaitForAQuorumRoundAndTheInheritedEntries() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        cluster.submit(primary, 1, CLIENT, 1, payload(1));
        cluster.tick(3);
        cluster.read(primary, 99);
        assertTrue(cluster.answers(Output.ReadReady.class).isEmpty(), "not before a quorum round");
        cluster.deliverAll();
        assertEquals(List.of(new Output.ReadReady(99, 0)), cluster.answers(Output.ReadReady.class));
        cluster.read((primary + 1) % 3, 100);
        assertEquals(Output.Refusal.NOT_PRIMARY, cluster.answers(Output.ReadRefused.class).getFirst().refusal());
        cluster.isolate(primary);
        cluster.read(primary, 101);
        cluster.tick(3);
        assertEquals(1, cluster.answers(Output.ReadReady.class).size(), "an isolated primary cannot confirm it leads");
    }

    @Test
    void messagesOfAnotherClusterAreDropped() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        int backup = (primary + 1) % 3;
        long view = cluster.replica(backup).view();
        Entry foreign = Entry.create(0, view, 0, CLIENT, 1, payload(9), Hash.ZERO);
        cluster.replica(backup).receive(new Message.Prepare(new UUID(9, 9), primary, view, 0, List.of(foreign)));
        assertEquals(-1, cluster.replica(backup).op());
        assertFalse(cluster.replica(backup).drainOutputs().stream().anyMatch(Output.Persist.class::isInstance));
    }

    @Test
    void aFullQueueIsAnsweredOverloaded() {
        Cluster cluster = new Cluster(3);
        int primary = cluster.settle();
        cluster.holdStorage[primary] = true;
        for (int request = 1; request <= 200; request++) {
            cluster.submit(primary, request, new UUID(1, request), 1, payload(request));
        }
        assertTrue(cluster.answers(Output.Refused.class).stream()
                .anyMatch(refused -> refused.refusal() == Output.Refusal.OVERLOADED));
    }
}
