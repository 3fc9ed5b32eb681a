package io.chronon.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import org.junit.jupiter.api.Test;

/** The outbox as the executor keeps it: effects in, DONE out, FAILED and RETRY, in log order. */
class OutboxTest {
    private static final UUID CLUSTER = new UUID(5, 5);

    private final List<Entry> log = new ArrayList<>();

    private Entry entry(byte[] payload) {
        Entry entry = Entry.create(log.size(), 1, 0, Entry.NO_CLIENT, 0, payload,
                log.isEmpty() ? Hash.ZERO : log.getLast().hash());
        log.add(entry);
        return entry;
    }

    @Test
    void effectsEnterPendingInLogOrderAndLeaveWhenDone() {
        Executor<Long, String, String, String> executor = new Executor<>(new EmittingApplication(), 10, CLUSTER);
        Executor.Result first = executor.apply(entry(Envelope.command("emit 2".getBytes())));
        executor.apply(entry(Envelope.command("emit 1".getBytes())));
        List<Outbox.Pending> pending = executor.outbox().all();
        assertEquals(3, pending.size());
        assertEquals(List.of(0L, 0L, 1L), pending.stream().map(Outbox.Pending::index).toList());
        assertEquals(first.effects(), pending.subList(0, 2));
        assertEquals(EffectId.of(CLUSTER, 0, 1), pending.get(1).id());
        assertNotEquals(EffectId.of(new UUID(6, 6), 0, 1), pending.get(1).id(), "ids differ across clusters");
        Executor.Result done = executor.apply(entry(Envelope.effectDone(pending.get(1).id(), false)));
        assertEquals(List.of(pending.get(0), pending.get(2)), executor.outbox().all());
        assertEquals(new Outbox.Acknowledged(pending.get(1), false), done.acknowledged());
        Executor.Result again = executor.apply(entry(Envelope.effectDone(pending.get(1).id(), true)));
        assertEquals(2, executor.outbox().size(), "a second DONE after a failover changes nothing");
        assertNull(again.acknowledged(), "and acknowledges nothing");
        Executor.Result suppressed = executor.apply(entry(Envelope.effectDone(pending.get(2).id(), true)));
        assertEquals(new Outbox.Acknowledged(pending.get(2), true), suppressed.acknowledged(),
                "the sink found this one already delivered");
    }

    @Test
    void aFailedEffectStaysVisibleUntilAnOperatorRetriesIt() {
        Executor<Long, String, String, String> executor = new Executor<>(new EmittingApplication(), 10, CLUSTER);
        executor.apply(entry(Envelope.command("emit 1".getBytes())));
        EffectId id = executor.outbox().all().getFirst().id();
        executor.apply(entry(Envelope.effectFailed(id, 10, "connection refused")));
        Outbox.Pending failed = executor.outbox().get(id);
        assertEquals(Outbox.Status.FAILED, failed.status());
        assertEquals(10, failed.attempts());
        assertEquals("connection refused", failed.lastError());
        executor.apply(entry(Envelope.effectRetry(id)));
        assertEquals(Outbox.Status.PENDING, executor.outbox().get(id).status());
        assertEquals(0, executor.outbox().get(id).attempts());
        executor.apply(entry(Envelope.effectDone(id, false)));
        assertNull(executor.outbox().get(id));
    }

    @Test
    void effectsAreInTheDigest() {
        Executor<Long, String, String, String> one = new Executor<>(new EmittingApplication(), 10, CLUSTER);
        Executor<Long, String, String, String> two = new Executor<>(new EmittingApplication() {
            @Override
            public Applied<Long, String> apply(Long state, String command, ApplyContext context) {
                return Applied.accept(state + 1, "ok", List.of(new Effect("s", new byte[] {9})));
            }
        }, 10, CLUSTER);
        Entry entry = entry(Envelope.command("emit 1".getBytes()));
        assertNotEquals(one.apply(entry).digest(), two.apply(entry).digest(),
                "same result, different effect: a different history");
    }

    @Test
    void effectIdsRoundTripAsHex() {
        EffectId id = EffectId.of(CLUSTER, 42, 1);
        assertEquals(32, id.toString().length());
        assertEquals(id, EffectId.parse(id.toString()));
    }
}
