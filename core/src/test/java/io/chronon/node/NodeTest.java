package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.kernel.Executor;
import io.chronon.kernel.ExecutorTest;
import io.chronon.kernel.Outcome;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;
import org.junit.jupiter.api.Test;

/** The node on a one-replica cluster with storage that completes at once. */
class NodeTest {
    private static final UUID CLIENT = new UUID(4, 4);

    private final List<Entry> disk = new ArrayList<>();
    private final List<NodeOutput> answers = new ArrayList<>();
    private Node node;

    private void start() {
        ReplicaConfig config = new ReplicaConfig(new UUID(1, 1), 1, 0, 2, 10, 10, 5, 50, 64, 16, 64 * 1024, 100,
                256 * 1024, 1024, 10, Set.of());
        Replica replica = new Replica(config, new Replica.SavedState(0, 0, Message.NO_COMMIT, false),
                new Replica.RecentLog(-1, Hash.ZERO, 0, 0, List.of()), -1, false, () -> 1_000L, 1);
        node = new Node(replica, new Executor<>(new ExecutorTest.Counter(), 16));
        pump();
        for (int tick = 0; tick < 50 && node.replica().status() != Replica.Status.NORMAL; tick++) {
            node.tick();
            pump();
        }
        assertEquals(Replica.Status.NORMAL, node.replica().status());
    }

    private void pump() {
        List<NodeOutput> outputs = node.drainOutputs();
        while (!outputs.isEmpty()) {
            for (NodeOutput output : outputs) {
                switch (output) {
                    case NodeOutput.Storage storage -> node.storage(perform(storage.storage()));
                    case NodeOutput.Send send -> throw new AssertionError("one replica sends nothing: " + send);
                    default -> answers.add(output);
                }
            }
            outputs = node.drainOutputs();
        }
    }

    private StorageEvent perform(Output output) {
        return switch (output) {
            case Output.Persist persist -> {
                disk.addAll(persist.entries());
                yield new StorageEvent.Persisted(disk.size() - 1);
            }
            case Output.SaveState save -> new StorageEvent.StateSaved(save.view(), save.lastNormalView(), save.commit());
            default -> throw new AssertionError("unexpected " + output);
        };
    }

    private Outcome outcomeOf(long requestId) {
        for (NodeOutput output : answers) {
            if (output instanceof NodeOutput.Reply reply && reply.requestId() == requestId) {
                return assertInstanceOf(NodeOutput.Answer.Done.class, reply.answer()).outcome();
            }
        }
        throw new AssertionError("no answer to request " + requestId + ": " + answers);
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
        assertEquals(1, disk.size());
    }

    @Test
    void aRetryOfAnAppliedRequestIsAnsweredFromTheSessionWithoutProposingAgain() {
        start();
        node.command(1, CLIENT, 1, command("add 3"));
        pump();
        node.command(2, CLIENT, 1, command("add 3"));
        pump();
        assertEquals(outcomeOf(1), outcomeOf(2));
        assertEquals(1, disk.size(), "not proposed again");
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
        assertEquals(1, disk.size(), "proposed, not answered from this node's possibly lagging state");
        assertEquals(new Outcome.SessionExpired(), outcomeOf(1));
        assertTrue(node.executor().sessions().get(CLIENT) == null);
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
        assertTrue(answers.stream().anyMatch(output -> output instanceof NodeOutput.ReadReply reply
                && reply.readId() == 7 && reply.answer() instanceof NodeOutput.ReadAnswer.Done));
    }
}
