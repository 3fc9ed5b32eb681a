package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Hash;
import io.chronon.vsr.Message;
import org.junit.jupiter.api.Test;

/** Two replicas' guards exchanging checkpoints: agreement passes, the first difference is named. */
class DivergenceGuardTest {
    private static final UUID CLUSTER = new UUID(8, 8);

    private static Hash digest(String history, long index) {
        return Hash.sha256((history + index).getBytes(StandardCharsets.UTF_8));
    }

    private static Message.Checkpoint message(int from, DivergenceGuard.Outgoing outgoing) {
        return new Message.Checkpoint(CLUSTER, from, 1, outgoing.firstIndex(), outgoing.digests(),
                outgoing.stateIndex(), outgoing.stateHash());
    }

    @Test
    void aCheckpointIsDueEveryFewDigestsAndAgreementPasses() {
        DivergenceGuard one = new DivergenceGuard(0, 4, -1);
        DivergenceGuard two = new DivergenceGuard(1, 4, -1);
        for (long index = 0; index < 12; index++) {
            DivergenceGuard.Outgoing fromOne = one.applied(index, digest("same", index));
            DivergenceGuard.Outgoing fromTwo = two.applied(index, digest("same", index));
            assertEquals(index % 4 == 3, fromOne != null, "a checkpoint after every 4 digests");
            if (fromOne != null) {
                assertEquals(index - 3, fromOne.firstIndex());
                two.received(message(0, fromOne));
                one.received(message(1, fromTwo));
            }
        }
    }

    @Test
    void theFirstDifferingIndexIsNamedWhetherThePeerIsAheadOrBehind() {
        DivergenceGuard ahead = new DivergenceGuard(0, 8, -1);
        DivergenceGuard behind = new DivergenceGuard(1, 8, -1);
        DivergenceGuard.Outgoing sent = null;
        for (long index = 0; index < 8; index++) {
            sent = ahead.applied(index, digest(index < 5 ? "same" : "clock-a", index));
        }
        assertNotNull(sent);
        behind.received(message(0, sent));
        for (long index = 0; index < 5; index++) {
            assertNull(behind.applied(index, digest("same", index)));
        }
        DivergenceException caught = assertThrows(DivergenceException.class,
                () -> behind.applied(5, digest("clock-b", 5)));
        assertEquals(5, caught.index());
        assertEquals(0, caught.peer());
        assertTrue(caught.getMessage().contains("first differ at index 5"), caught.getMessage());

        DivergenceGuard late = new DivergenceGuard(2, 8, -1);
        for (long index = 0; index < 8; index++) {
            late.applied(index, digest(index < 6 ? "same" : "clock-c", index));
        }
        Message.Checkpoint fromAhead = message(0, sent);
        assertEquals(5, assertThrows(DivergenceException.class, () -> late.received(fromAhead)).index(),
                "a checkpoint arriving after the indices were applied here names the same first index");
    }

    @Test
    void statesThatDifferAtASnapshotPointAreCaughtAlthoughEveryDigestAgreed() {
        DivergenceGuard one = new DivergenceGuard(0, 100, -1);
        DivergenceGuard two = new DivergenceGuard(1, 100, -1);
        Hash agreed = Hash.sha256(new byte[] {1});
        one.snapshotted(63, agreed);
        two.received(message(0, one.snapshotted(63, agreed)));
        two.snapshotted(63, agreed);
        DivergenceGuard.Outgoing later = one.snapshotted(127, Hash.sha256(new byte[] {2}));
        two.received(message(0, later));
        DivergenceException caught = assertThrows(DivergenceException.class,
                () -> two.snapshotted(127, Hash.sha256(new byte[] {3})));
        assertTrue(caught.stateDivergence());
        assertEquals(127, caught.index());
        assertTrue(caught.getMessage().contains("after index 63 and through index 127"), caught.getMessage());
    }

    @Test
    void digestsFromBeforeThisReplicasStartingPointAreNotCompared() {
        DivergenceGuard restored = new DivergenceGuard(1, 4, 99);
        restored.received(new Message.Checkpoint(CLUSTER, 0, 1, 96, List.of(digest("x", 96), digest("x", 97),
                digest("x", 98), digest("x", 99)), -1, Hash.ZERO));
        for (long index = 100; index < 104; index++) {
            restored.applied(index, digest("y", index));
        }
    }
}
