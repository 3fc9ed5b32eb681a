package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.kernel.Executor;
import io.chronon.kernel.ExecutorTest;
import io.chronon.kernel.Outcome;
import io.chronon.vsr.ReadConsistency;
import org.junit.jupiter.api.Test;

/** The node on a one-replica cluster with storage that completes at once. */
class NodeTest {
    private static final UUID CLIENT = new UUID(4, 4);

    private SingleReplicaNode harness;
    private Node node;

    private void start() {
        harness = new SingleReplicaNode(new Executor<>(new ExecutorTest.Counter(), 16, ExecutorTest.TEST_CLUSTER),
                EffectOptions.DEFAULTS);
        node = harness.node;
    }

    private void pump() {
        harness.pump();
    }

    private Outcome outcomeOf(long requestId) {
        return harness.outcomeOf(requestId);
    }

    private static byte[] command(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCommandIsProposedCommittedAppliedAndAnswered() {
        start();
        node.command(1, CLIENT, 1, command("add 3"));
        pump();
        assertEquals("3", new String(((Outcome.Completed) outcomeOf(1)).result(), StandardCharsets.UTF_8));
        assertEquals(1, harness.disk.size());
    }

    @Test
    void aRetryOfAnAppliedRequestIsAnsweredFromTheSessionWithoutProposingAgain() {
        start();
        node.command(1, CLIENT, 1, command("add 3"));
        pump();
        node.command(2, CLIENT, 1, command("add 3"));
        pump();
        assertEquals(outcomeOf(1), outcomeOf(2));
        assertEquals(1, harness.disk.size(), "not proposed again");
    }

    /**
     * Found by the simulator (seeds 1, 3): a node whose state lagged answered "session expired"
     * before proposing. Expiry is decided when the command is applied, the same everywhere.
     */
    @Test
    void aRequestWithoutASessionIsProposedAndExpiresWhenApplied() {
        start();
        node.command(1, CLIENT, 5, command("add 3"));
        pump();
        assertEquals(1, harness.disk.size(), "proposed, not answered from this node's possibly lagging state");
        assertEquals(new Outcome.SessionExpired(), outcomeOf(1));
        assertTrue(node.executor().sessions().get(CLIENT) == null);
    }

    @Test
    void aCommandWithoutAClientIsAppliedEachTimeItArrives() {
        start();
        node.command(1, Entry.NO_CLIENT, 0, command("add 3"));
        pump();
        node.command(2, Entry.NO_CLIENT, 0, command("add 3"));
        pump();
        assertEquals("6", new String(((Outcome.Completed) outcomeOf(2)).result(), StandardCharsets.UTF_8));
        assertEquals(2, harness.disk.size());
        assertEquals(0, node.executor().sessions().size(), "no session is kept");
    }

    @Test
    void aLocalQueryAnswersFromTheStateAsItIs() {
        start();
        node.command(1, CLIENT, 1, command("add 4"));
        pump();
        NodeOutput.ReadAnswer.Done done = assertInstanceOf(NodeOutput.ReadAnswer.Done.class,
                node.queryLocal(command("q")));
        assertEquals("4", new String(done.result(), StandardCharsets.UTF_8));
        node.query(7, command("q"), ReadConsistency.LINEARIZABLE);
        pump();
        assertTrue(harness.outputs.stream().anyMatch(output -> output instanceof NodeOutput.ReadReply reply
                && reply.readId() == 7 && reply.answer() instanceof NodeOutput.ReadAnswer.Done));
    }

    @Test
    void thePrimaryConfirmsItsLeadershipWithoutRunningAQuery() {
        start();
        node.command(1, CLIENT, 1, command("add 4"));
        pump();
        node.confirmLeadership(9);
        pump();
        NodeOutput.ReadAnswer answer = harness.outputs.stream()
                .filter(output -> output instanceof NodeOutput.ReadReply reply && reply.readId() == 9)
                .map(output -> ((NodeOutput.ReadReply) output).answer()).findFirst().orElseThrow();
        NodeOutput.ReadAnswer.Done done = assertInstanceOf(NodeOutput.ReadAnswer.Done.class, answer);
        assertEquals(0, done.result().length, "no query ran (the counter would have answered its value)");
        assertEquals(node.executor().appliedIndex(), done.index());
    }
}
