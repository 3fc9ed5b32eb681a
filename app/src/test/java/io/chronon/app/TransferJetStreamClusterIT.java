package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfers on the machine's NATS JetStream from three node processes whose primaries halt
 * right after JetStream acknowledged a message and before the acknowledgement entry: the next
 * primary publishes the effect again, and the stream still holds each committed transfer exactly
 * once, under its effect id.
 */
class TransferJetStreamClusterIT {
    private LocalCluster cluster;
    private String database;
    private Connection nats;
    private String stream;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            PostgresTestDatabase.drop(database);
        }
        if (nats != null) {
            nats.jetStreamManagement().deleteStream(stream);
            nats.close();
        }
    }

    @Test
    void theStreamHoldsEachTransferOnceThoughHaltedPrimariesPublishedAgain() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("TransferJetStreamClusterIT seed " + seed);
        String run = UUID.randomUUID().toString().replace("-", "");
        stream = "chronon-transfers-" + run;
        String subject = "chronon.transfers." + run;
        nats = Nats.connect("nats://127.0.0.1:4222");
        JetStreamManagement streams = nats.jetStreamManagement();
        streams.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                .duplicateWindow(Duration.ofMinutes(2)).build());

        database = PostgresTestDatabase.create();
        Map<String, String> properties = new HashMap<>(PostgresTestDatabase.nodeConfig(database));
        properties.put("chronon.effects.\"transfers\".sink", TransferJetStream.NAME);
        properties.put("mp.messaging.outgoing.transfers-nats.stream", stream);
        properties.put("mp.messaging.outgoing.transfers-nats.subject", subject);
        properties.put("quarkus.messaging.nats.connection.servers", "nats://127.0.0.1:4222");
        properties.put("chronon.test.halt-points", "AFTER_SINK_COMMIT_BEFORE_ACK");
        properties.put("chronon.test.halt-sink", "transfers");
        cluster = new LocalCluster("nats-halt", seed, properties).startAll();

        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        LocalCluster.HaltRestarter restarter = cluster.restartHaltedNodes(failures);
        List<Long> transfers = cluster.depositThenTransfer("nats-a", "nats-b", 15);
        awaitTrue(() -> streams.getStreamInfo(stream).getStreamState().getMsgCount() >= transfers.size(), failures,
                "every transfer in the stream");
        restarter.close();
        assertTrue(failures.isEmpty(), () -> "unexpected: " + failures.peek());
        assertTrue(!restarter.halted().isEmpty(), "a primary halted after JetStream acknowledged a message");

        Set<String> expected = LocalCluster.transferEffectIds(cluster.awaitClusterId(), transfers);
        long stored = streams.getStreamInfo(stream).getStreamState().getMsgCount();
        List<String> ids = new ArrayList<>();
        for (long sequence = 1; sequence <= stored; sequence++) {
            ids.add(streams.getMessage(stream, sequence).getHeaders().getFirst("Nats-Msg-Id"));
        }
        assertEquals(expected, new HashSet<>(ids), "the stream holds the committed transfers");
        assertEquals(expected.size(), ids.size(), "each once: " + ids);
    }
}
