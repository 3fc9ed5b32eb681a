package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.chronon.client.EffectDeduplicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfer messages on the machine's RabbitMQ from three node processes whose primaries
 * halt right after the broker confirmed a message and before the acknowledgement: every committed
 * transfer's effect id arrives at least once, at least one arrives twice (a new primary sent it
 * again), and through the consumer's {@link EffectDeduplicator} each arrives exactly once.
 */
class TransferMessagesClusterIT {
    private LocalCluster cluster;
    private String database;
    private Connection rabbit;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            PostgresTestDatabase.drop(database);
        }
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @Test
    void everyTransferArrivesAtLeastOnceAndOnceThroughTheDeduplicator() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("TransferMessagesClusterIT seed " + seed);
        String exchange = "chronon.transfers.it." + UUID.randomUUID();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        rabbit = factory.newConnection();
        Channel channel = rabbit.createChannel();
        channel.exchangeDeclare(exchange, "topic", true, true, null);
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, exchange, "#");

        database = PostgresTestDatabase.create();
        Map<String, String> properties = new HashMap<>(PostgresTestDatabase.nodeConfig(database));
        properties.put("mp.messaging.outgoing.transfers.exchange.name", exchange);
        properties.put("mp.messaging.outgoing.transfers.exchange.auto-delete", "true");
        properties.put("chronon.test.halt-points", "AFTER_SINK_COMMIT_BEFORE_ACK");
        properties.put("chronon.test.halt-sink", "transfers");
        cluster = new LocalCluster("rabbit-halt", seed, properties).startAll();

        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        LocalCluster.HaltRestarter restarter = cluster.restartHaltedNodes(failures);
        List<Long> transfers = cluster.depositThenTransfer("rabbit-a", "rabbit-b", 15);
        Set<String> expected = LocalCluster.transferEffectIds(cluster.awaitClusterId(), transfers);

        List<String> received = new ArrayList<>();
        awaitTrue(() -> {
            for (GetResponse message = channel.basicGet(queue, true); message != null;
                 message = channel.basicGet(queue, true)) {
                received.add(message.getProps().getMessageId());
            }
            return received.containsAll(expected);
        }, failures, "every transfer's message");
        restarter.close();
        assertTrue(failures.isEmpty(), () -> "unexpected: " + failures.peek());
        assertTrue(!restarter.halted().isEmpty(), "a primary halted after the broker confirmed a message");
        assertTrue(received.size() > new HashSet<>(received).size(),
                "a message was sent again after its primary halted: " + received);

        EffectDeduplicator consumer = new EffectDeduplicator(10_000);
        List<String> once = received.stream().filter(consumer::firstDelivery).toList();
        assertEquals(expected, new HashSet<>(once), "each transfer exactly once through the deduplicator");
        assertEquals(expected.size(), once.size());
    }
}
