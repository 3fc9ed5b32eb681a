package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.chronon.engine.InvariantViolation;
import io.chronon.node.ClusterBootstrap.Decision;
import io.chronon.node.ClusterBootstrap.PeerDirectory;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {
    private static final UUID CLUSTER = UUID.fromString("00000000-0000-0000-0000-00000000c1c1");
    private static final PeerDirectory EMPTY = new PeerDirectory.Empty();
    private static final PeerDirectory GENESIS = new PeerDirectory.Member(CLUSTER, true);
    private static final PeerDirectory PAST_GENESIS = new PeerDirectory.Member(CLUSTER, false);

    @Test
    void aSingleReplicaFoundsItsClusterAlone() {
        assertInstanceOf(Decision.Found.class, ClusterBootstrap.decide(0, 1, Map.of()));
    }

    @Test
    void replicaZeroFoundsOnlyWhenEveryPeerAnsweredEmpty() {
        assertInstanceOf(Decision.Wait.class, ClusterBootstrap.decide(0, 3, Map.of(1, EMPTY)));
        assertInstanceOf(Decision.Found.class, ClusterBootstrap.decide(0, 3, Map.of(1, EMPTY, 2, EMPTY)));
    }

    @Test
    void otherReplicasNeverFoundEvenWhenEveryoneIsEmpty() {
        Decision decision = ClusterBootstrap.decide(2, 3, Map.of(0, EMPTY, 1, EMPTY));
        assertInstanceOf(Decision.Wait.class, decision);
        assertTrue(((Decision.Wait) decision).reason().contains("replica 0 founds"));
    }

    @Test
    void anEmptyReplicaJoinsAtGenesisAsAFoundingMemberOnceEveryPeerAnswered() {
        assertEquals(new Decision.Join(CLUSTER, false), ClusterBootstrap.decide(1, 3, Map.of(0, GENESIS, 2, EMPTY)));
        assertEquals(new Decision.Join(CLUSTER, false), ClusterBootstrap.decide(1, 3, Map.of(0, GENESIS, 2, GENESIS)));
        assertInstanceOf(Decision.Wait.class, ClusterBootstrap.decide(1, 3, Map.of(0, GENESIS)),
                "a silent peer may hold the cluster's history, so genesis elsewhere is not enough");
    }

    @Test
    void onePeerPastGenesisMakesTheEmptyReplicaRecoverWithoutWaitingForTheOthers() {
        assertEquals(new Decision.Join(CLUSTER, true), ClusterBootstrap.decide(0, 5, Map.of(3, PAST_GENESIS)));
        assertEquals(new Decision.Join(CLUSTER, true),
                ClusterBootstrap.decide(1, 3, Map.of(0, GENESIS, 2, PAST_GENESIS)));
    }

    @Test
    void peersOfTwoClustersAreAConflictNotAChoice() {
        PeerDirectory other = new PeerDirectory.Member(UUID.randomUUID(), false);
        assertInstanceOf(Decision.Conflict.class, ClusterBootstrap.decide(0, 3, Map.of(1, GENESIS, 2, other)));
    }

    @Test
    void answersFromOutsideTheClusterAreABug() {
        assertThrows(InvariantViolation.class, () -> ClusterBootstrap.decide(0, 3, Map.of(0, EMPTY)));
        assertThrows(InvariantViolation.class, () -> ClusterBootstrap.decide(0, 3, Map.of(3, EMPTY)));
        assertThrows(InvariantViolation.class, () -> ClusterBootstrap.decide(0, 4, Map.of()));
    }

    /**
     * Over random answer sets: never a founding join while any answer is past genesis, never a
     * founding or a new cluster without every peer's answer, and a new cluster only from replica 0.
     */
    @Test
    void randomAnswersNeverYieldAnUnsafeFoundingJoin() {
        long seed = new Random().nextLong();
        System.out.println("ClusterBootstrapTest seed " + seed);
        Random random = new Random(seed);
        PeerDirectory[] kinds = {EMPTY, GENESIS, PAST_GENESIS};
        for (int round = 0; round < 20_000; round++) {
            int members = 1 + 2 * random.nextInt(4);
            int self = random.nextInt(members);
            Map<Integer, PeerDirectory> answers = new HashMap<>();
            for (int peer = 0; peer < members; peer++) {
                if (peer != self && random.nextInt(4) != 0) {
                    answers.put(peer, kinds[random.nextInt(kinds.length)]);
                }
            }
            Decision decision = ClusterBootstrap.decide(self, members, answers);
            boolean anyPast = answers.containsValue(PAST_GENESIS);
            boolean allAnswered = answers.size() == members - 1;
            String context = "seed " + seed + " round " + round + ": " + self + "/" + members + " " + answers;
            switch (decision) {
                case Decision.Found found -> assertTrue(self == 0 && allAnswered
                        && answers.values().stream().allMatch(EMPTY::equals), context);
                case Decision.Join join -> assertTrue(join.recovering() ? anyPast : allAnswered && !anyPast, context);
                case Decision.Wait wait -> assertTrue(!anyPast, context);
                case Decision.Conflict conflict -> throw new AssertionError(context + ": one cluster only");
            }
        }
    }
}
