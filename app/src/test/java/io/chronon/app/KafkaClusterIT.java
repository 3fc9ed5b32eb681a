package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfers through the Kafka sink from three node processes, read back by a
 * read-committed consumer: each committed transfer exactly once, whether primaries halt right after
 * Kafka committed a transaction and before the acknowledgement entry (the next primary reads the
 * outbox position back and publishes nothing again), or are killed at random moments (their open
 * transactions are aborted by the next primary's {@code initTransactions}); and a primary paused in
 * the middle of a delivery cannot publish it after its successor did.
 */
class KafkaClusterIT {
    private LocalCluster cluster;
    private String database;
    private final String topic = KafkaTestTopics.unique("chronon-transfers-it");
    private final String positions = KafkaTestTopics.unique("chronon-positions-it");

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            PostgresTestDatabase.drop(database);
        }
        KafkaTestTopics.delete(topic, positions);
    }

    private LocalCluster cluster(String name, Map<String, String> properties) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("KafkaClusterIT seed " + seed);
        KafkaTestTopics.client();
        database = PostgresTestDatabase.create();
        Map<String, String> all = new HashMap<>(PostgresTestDatabase.nodeConfig(database));
        all.put("chronon.effects.\"transfers\".sink", "kafka");
        all.put("kafka.bootstrap.servers", KafkaTestTopics.SERVERS);
        all.put("chronon.kafka.position-topic", positions);
        all.put("bank.kafka.transfers-topic", topic);
        all.putAll(properties);
        cluster = new LocalCluster(name, seed, all);
        return cluster.startAll();
    }

    private List<String> committedEffectIds() {
        return KafkaTestTopics.effectIds(KafkaTestTopics.read(topic, "read_committed"));
    }

    private void assertEachTransferOnce(List<Long> transfers) throws InterruptedException {
        Set<String> expected = LocalCluster.transferEffectIds(cluster.awaitClusterId(), transfers);
        List<String> seen = committedEffectIds();
        assertEquals(expected, new HashSet<>(seen), "the read-committed consumer sees the committed transfers");
        assertEquals(expected.size(), seen.size(), "each once: " + seen);
    }

    @Test
    void primariesHaltingAfterKafkasCommitLeaveEachTransferOnceForAReadCommittedConsumer() throws Exception {
        cluster("kafka-halt", Map.of("chronon.test.halt-points", "AFTER_SINK_COMMIT_BEFORE_ACK",
                "chronon.test.halt-sink", "transfers"));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        LocalCluster.HaltRestarter restarter = cluster.restartHaltedNodes(failures);
        List<Long> transfers = cluster.depositThenTransfer("kafka-a", "kafka-b", 15);
        awaitTrue(() -> committedEffectIds().size() >= transfers.size(), failures, "every transfer in Kafka");
        restarter.close();
        assertTrue(failures.isEmpty(), () -> "unexpected: " + failures.peek());
        assertTrue(!restarter.halted().isEmpty(), "a primary halted after Kafka committed a transfer");
        assertEachTransferOnce(transfers);
        assertTrue(cluster.logTails().contains("already landed in Kafka"),
                "a new primary read the outbox position back and recovered a halted primary's transaction (logs of"
                        + " this cluster only: " + cluster.logDirectory() + ")");
    }

    @Test
    void primariesKilledAtRandomMomentsLeaveEachTransferOnceForAReadCommittedConsumer() throws Exception {
        cluster("kafka-kill", Map.of());
        LocalCluster.PrimaryKiller killer = cluster.killPrimaryRepeatedly(3);
        List<Long> transfers = cluster.depositThenTransfer("kafka-c", "kafka-d", 60);
        killer.finish();
        awaitTrue(() -> committedEffectIds().size() >= transfers.size(), new ConcurrentLinkedQueue<>(),
                "every transfer in Kafka");
        assertEachTransferOnce(transfers);
        long aborted = KafkaTestTopics.read(topic, "read_uncommitted").size() - committedEffectIds().size();
        System.out.println("KafkaClusterIT: " + transfers.size() + " transfers, records of aborted transactions: "
                + aborted + ", recovered from the outbox position: " + (cluster.logTails().contains("already landed in Kafka")));
    }

    @Test
    void aPausedPrimarysLateDeliveryIsRefusedOnceTheNewPrimaryPublished() throws Exception {
        // Statements to the journal: the transfer's Kafka delivery is the only one on the effects thread.
        cluster("kafka-zombie", Map.of("chronon.test.effect-delay", "3s", HaltPointIT.JOURNAL_STATEMENTS, "journal"));
        LocalCluster.PausedPrimary paused = cluster.transferThenPausePrimary("kafka-zombie-a", "kafka-zombie-b");
        int zombie = paused.zombie();
        int successor = paused.successor();
        String effect = LocalCluster.transferEffectIds(cluster.clusterId(successor), List.of(paused.transfer()))
                .iterator().next();
        awaitTrue(() -> committedEffectIds().contains(effect), new ConcurrentLinkedQueue<>(),
                "the new primary " + successor + " published the transfer");
        cluster.node(zombie).resume();
        awaitTrue(() -> cluster.node(zombie).logTail(2_000).contains("refused a delivery of effect " + effect
                        + " to Kafka"), new ConcurrentLinkedQueue<>(),
                "the woken primary's delivery of its old view was refused");
        Thread.sleep(500);
        assertEquals(List.of(effect), committedEffectIds(), "the transfer once, from the new primary");
    }
}
