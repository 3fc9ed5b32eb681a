package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.quarkus.sink.FencedOutException;
import io.chronon.quarkus.sink.KafkaSink;
import io.chronon.quarkus.sink.SinkCounters;
import io.chronon.quarkus.sink.ViewConfirmation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka sink against the machine's Kafka broker: each effect is published in a transaction with
 * its outbox position, a new primary reads the position back and acknowledges what already landed,
 * and a former primary can neither commit after the new one took the transactional id nor after it
 * lost its view.
 */
class KafkaSinkTest {
    private static final ViewConfirmation STILL_LEADS = view -> CompletableFuture.completedFuture(true);

    private final UUID cluster = UUID.randomUUID();
    private final String topic = KafkaTestTopics.unique("chronon-transfers-test");
    private final String positions = KafkaTestTopics.unique("chronon-positions-test");
    private final SinkCounters counters = new SinkCounters(new SimpleMeterRegistry());
    private final TransferRecords records = new TransferRecords(topic);
    private KafkaSink oldPrimary;
    private KafkaSink newPrimary;

    @AfterEach
    void cleanUp() {
        for (KafkaSink sink : new KafkaSink[] {oldPrimary, newPrimary}) {
            if (sink != null) {
                sink.close();
            }
        }
        KafkaTestTopics.delete(topic, positions);
    }

    private KafkaSink sink(ViewConfirmation confirmation) {
        return new KafkaSink(Statement.TRANSFERS, cluster, KafkaTestTopics.client(), positions, records, confirmation,
                counters);
    }

    private EffectSink.Delivery transfer(long index, long view) {
        return new EffectSink.Delivery(EffectId.of(cluster, index, 1), index, 1, view,
                new Statement(index, "kafka-a", "kafka-b", index).encode());
    }

    private static void deliver(KafkaSink sink, EffectSink.Delivery delivery) throws Exception {
        sink.deliver(delivery).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private List<String> committed() {
        return KafkaTestTopics.effectIds(KafkaTestTopics.read(topic, "read_committed"));
    }

    @Test
    void aNewPrimaryAcknowledgesWhatTheOldOnePublishedInsteadOfPublishingItAgain() throws Exception {
        oldPrimary = sink(STILL_LEADS);
        deliver(oldPrimary, transfer(5, 1));
        assertEquals(List.of(transfer(5, 1).id().toString()), committed());

        // The old primary died before the acknowledgement entry: the new one delivers index 5 again.
        newPrimary = sink(STILL_LEADS);
        deliver(newPrimary, transfer(5, 2));
        assertEquals(1, counters.duplicatesSuppressed(Statement.TRANSFERS), "read back from the outbox position");
        deliver(newPrimary, transfer(6, 2));
        assertEquals(List.of(transfer(5, 2).id().toString(), transfer(6, 2).id().toString()), committed(),
                "each effect once, in log order");
    }

    @Test
    void aFormerPrimaryIsFencedOutOnceTheNewOneTookTheTransactionalId() throws Exception {
        oldPrimary = sink(STILL_LEADS);
        deliver(oldPrimary, transfer(5, 1));
        newPrimary = sink(STILL_LEADS);
        deliver(newPrimary, transfer(6, 2));

        // Its producer was fenced by the new primary's initTransactions...
        ExecutionException refused = assertThrows(ExecutionException.class, () -> deliver(oldPrimary, transfer(7, 1)));
        assertInstanceOf(FencedOutException.class, refused.getCause());
        // ...and trying again it reads the newer view's position and refuses before fencing anyone.
        refused = assertThrows(ExecutionException.class, () -> deliver(oldPrimary, transfer(7, 1)));
        assertInstanceOf(FencedOutException.class, refused.getCause());
        assertEquals(2, counters.fencedDeliveries(Statement.TRANSFERS));

        deliver(newPrimary, transfer(7, 2));
        assertEquals(List.of(transfer(5, 1).id().toString(), transfer(6, 2).id().toString(),
                transfer(7, 2).id().toString()), committed(), "nothing from the former primary after the new one began");
    }

    @Test
    void aPrimaryThatLostItsViewAbortsRightBeforeTheCommit() throws Exception {
        oldPrimary = sink(view -> CompletableFuture.completedFuture(false));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> deliver(oldPrimary, transfer(5, 1)));
        assertInstanceOf(FencedOutException.class, refused.getCause());
        assertEquals(1, counters.abortedTransactions(Statement.TRANSFERS));
        assertEquals(List.of(), committed(), "a read-committed consumer sees nothing of the aborted transaction");
        assertEquals(List.of(transfer(5, 1).id().toString()),
                KafkaTestTopics.effectIds(KafkaTestTopics.read(topic, "read_uncommitted")),
                "the record reached the broker and was aborted there");

        newPrimary = sink(STILL_LEADS);
        deliver(newPrimary, transfer(5, 2));
        assertEquals(List.of(transfer(5, 2).id().toString()), committed());
    }
}
