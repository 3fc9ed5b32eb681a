package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.EmittingApplication;
import io.chronon.kernel.Executor;
import io.chronon.kernel.ExecutorTest;
import io.chronon.kernel.Outbox;
import org.junit.jupiter.api.Test;

/** Delivery of the outbox on a one-replica cluster: ordering, acknowledgement, backoff, failure, retry. */
class EffectRunnerTest {
    private static final UUID CLIENT = new UUID(4, 4);
    /** Three attempts; waits of 4, then 8 ticks (plus up to half again of jitter). */
    private static final EffectOptions OPTIONS = new EffectOptions(3, 4, 8, Set.of("metrics"));

    private final SingleReplicaNode harness = new SingleReplicaNode(
            new Executor<>(new EmittingApplication(), 16, ExecutorTest.TEST_CLUSTER), OPTIONS);
    private final Node node = harness.node;
    private long requestNumber;

    private void emit(String command) {
        requestNumber++;
        node.command(requestNumber, CLIENT, requestNumber, command.getBytes(StandardCharsets.UTF_8));
        harness.pump();
    }

    private static String payload(NodeOutput.Execute execute) {
        return new String(execute.payload(), StandardCharsets.UTF_8);
    }

    private List<Outbox.Pending> outbox() {
        return node.executor().outbox().all();
    }

    private void ticks(int count) {
        for (int i = 0; i < count; i++) {
            harness.tick();
        }
    }

    @Test
    void anOrderedSinkGetsOneEffectAtATimeInLogOrderAndEachDoneEntryClearsIt() {
        emit("emit 2");
        emit("emit 1");
        List<NodeOutput.Execute> first = harness.takeExecutes();
        assertEquals(List.of("0:0"), first.stream().map(EffectRunnerTest::payload).toList(),
                "only the oldest effect of an ordered sink is in flight");
        assertEquals(node.replica().view(), first.getFirst().view());

        node.effectDelivered(first.getFirst().id(), first.getFirst().view(), EffectSink.Receipt.DELIVERED);
        harness.pump();
        assertEquals(2, outbox().size(), "the DONE entry was committed and applied");
        assertEquals(List.of("0:1"), harness.takeExecutes().stream().map(EffectRunnerTest::payload).toList());
    }

    @Test
    void anUnorderedSinkGetsAllItsEffectsAtOnce() {
        emit("emit 3 metrics");
        List<NodeOutput.Execute> executes = harness.takeExecutes();
        assertEquals(List.of("0:0", "0:1", "0:2"), executes.stream().map(EffectRunnerTest::payload).toList());
        executes.forEach(execute -> node.effectDelivered(execute.id(), execute.view(), EffectSink.Receipt.DELIVERED));
        harness.pump();
        assertEquals(List.of(), outbox());
    }

    @Test
    void theDoneEntrySaysWhetherTheSinkSuppressedADuplicate() {
        emit("emit 2");
        NodeOutput.Execute first = harness.takeExecutes().getFirst();
        node.effectDelivered(first.id(), first.view(), EffectSink.Receipt.DUPLICATE_SUPPRESSED);
        harness.pump();
        NodeOutput.Execute second = harness.takeExecutes().getFirst();
        node.effectDelivered(second.id(), second.view(), EffectSink.Receipt.DELIVERED);
        harness.pump();
        List<byte[]> done = harness.disk.stream().map(Entry::payload)
                .filter(payload -> Envelope.kind(payload) == Envelope.EFFECT_DONE).toList();
        assertEquals(List.of(true, false), done.stream().map(Envelope::duplicateSuppressed).toList());
        assertEquals(List.of(), outbox());
    }

    @Test
    void aReportFromAnotherViewIsIgnored() {
        emit("emit 1");
        NodeOutput.Execute execute = harness.takeExecutes().getFirst();
        int entries = harness.disk.size();
        node.effectDelivered(execute.id(), execute.view() + 1, EffectSink.Receipt.DELIVERED);
        harness.pump();
        assertEquals(entries, harness.disk.size(), "no DONE proposed for a delivery this view never made");
        assertEquals(1, outbox().size());
    }

    @Test
    void failuresBackOffThenMarkTheEffectFailedHoldingBackItsSinkUntilRetried() {
        emit("emit 1");
        emit("emit 1");
        NodeOutput.Execute first = harness.takeExecutes().getFirst();
        EffectId id = first.id();

        node.effectFailed(id, first.view(), "connection refused");
        harness.pump();
        assertEquals(List.of(), harness.takeExecutes(), "no immediate retry, and the next effect waits its turn");
        int waited = ticksUntilExecuted();
        assertTrue(waited >= 4 && waited <= 6, "first wait is 4 ticks plus jitter: " + waited);

        node.effectFailed(id, first.view(), "connection refused");
        harness.pump();
        Outbox.Pending pending = node.outbox().stream().filter(effect -> effect.id().equals(id)).findFirst()
                .orElseThrow();
        assertEquals(Outbox.Status.PENDING, pending.status());
        assertEquals(2, pending.attempts(), "the primary's failed attempts show before they are replicated");
        assertEquals("connection refused", pending.lastError());
        assertEquals(0, node.executor().outbox().get(id).attempts(), "the replicated outbox counts them only as FAILED");
        waited = ticksUntilExecuted();
        assertTrue(waited >= 8 && waited <= 12, "the wait doubles: " + waited);

        node.effectFailed(id, first.view(), "still refused");
        harness.pump();
        Outbox.Pending failed = node.executor().outbox().get(id);
        assertEquals(Outbox.Status.FAILED, failed.status(), "replicated after the last attempt");
        assertEquals(3, failed.attempts());
        assertEquals("still refused", failed.lastError());
        ticks(50);
        assertEquals(List.of(), harness.takeExecutes(), "a failed effect holds back the later effects of its sink");

        node.retryEffect(99, id);
        harness.pump();
        assertEquals(Outbox.Status.PENDING, node.executor().outbox().get(id).status());
        NodeOutput.Execute again = harness.takeExecutes().getFirst();
        assertEquals(id, again.id());
        node.effectFailed(id, again.view(), "refused once more");
        harness.pump();
        assertEquals(Outbox.Status.PENDING, node.executor().outbox().get(id).status(),
                "a retried effect gets its attempts afresh");
        ticksUntilExecuted();
        node.effectDelivered(id, again.view(), EffectSink.Receipt.DELIVERED);
        harness.pump();
        assertEquals(List.of("1:0"), harness.takeExecutes().stream().map(EffectRunnerTest::payload).toList());
    }

    private int ticksUntilExecuted() {
        for (int tick = 1; tick <= 100; tick++) {
            harness.tick();
            List<NodeOutput.Execute> executes = harness.takeExecutes();
            if (!executes.isEmpty()) {
                assertEquals(1, executes.size(), executes.toString());
                return tick;
            }
        }
        throw new AssertionError("never retried");
    }
}
