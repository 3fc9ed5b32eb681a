package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outcome;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;

/**
 * A node on a one-replica cluster whose storage completes at once: the node's logic without a
 * network. Outputs other than storage are collected for the test to inspect.
 */
final class SingleReplicaNode {
    final List<Entry> disk = new ArrayList<>();
    final List<NodeOutput> outputs = new ArrayList<>();
    final Node node;

    SingleReplicaNode(Executor<?, ?, ?, ?> executor, EffectOptions effectOptions) {
        ReplicaConfig config = new ReplicaConfig(new UUID(1, 1), 1, 0, 2, 10, 10, 5, 50, 64, 16, 64 * 1024, 100,
                256 * 1024, 1024, 10, Set.of());
        Replica replica = new Replica(config, new Replica.SavedState(0, 0, Message.NO_COMMIT, false),
                new Replica.RecentLog(-1, Hash.ZERO, 0, 0, List.of()), -1, false, () -> 1_000L, 1);
        node = new Node(replica, executor, effectOptions, SnapshotOptions.DEFAULTS, 42);
        pump();
        for (int tick = 0; tick < 50 && node.replica().status() != Replica.Status.NORMAL; tick++) {
            tick();
        }
        assertEquals(Replica.Status.NORMAL, node.replica().status());
    }

    void tick() {
        node.tick();
        pump();
    }

    /** Performs storage work until the node asks for none. */
    void pump() {
        List<NodeOutput> drained = node.drainOutputs();
        while (!drained.isEmpty()) {
            for (NodeOutput output : drained) {
                switch (output) {
                    case NodeOutput.Storage storage -> node.storage(perform(storage.storage()));
                    case NodeOutput.Send send -> throw new AssertionError("one replica sends nothing: " + send);
                    default -> outputs.add(output);
                }
            }
            drained = node.drainOutputs();
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

    Outcome outcomeOf(long requestId) {
        for (NodeOutput output : outputs) {
            if (output instanceof NodeOutput.Reply reply && reply.requestId() == requestId) {
                return assertInstanceOf(NodeOutput.Answer.Done.class, reply.answer()).outcome();
            }
        }
        throw new AssertionError("no answer to request " + requestId + ": " + outputs);
    }

    /** Takes the effect deliveries asked for so far. */
    List<NodeOutput.Execute> takeExecutes() {
        List<NodeOutput.Execute> executes = new ArrayList<>();
        outputs.removeIf(output -> output instanceof NodeOutput.Execute execute && executes.add(execute));
        return executes;
    }
}
