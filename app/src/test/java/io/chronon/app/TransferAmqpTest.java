package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.chronon.client.EffectDeduplicator;
import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.testkit.Ports;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfers routed to the machine's AMQP 1.0 broker (ActiveMQ Artemis on 127.0.0.1:61616,
 * started by {@code .ci/artemis/start}) at an address of this run's own: each transfer arrives with
 * its effect id as message id, a second delivery of the same effect arrives again (at least once),
 * and the consumer-side deduplicator lets it through once.
 */
@QuarkusTest
@TestProfile(TransferAmqpTest.ToAmqp.class)
class TransferAmqpTest {
    private static final String ADDRESS = "chronon.transfers." + UUID.randomUUID();

    public static class ToAmqp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chronon.effects.\"transfers\".sink", TransferAmqp.NAME, "bank.amqp.host", "127.0.0.1",
                    "bank.amqp.port", "61616", "bank.amqp.address", ADDRESS);
        }
    }

    @Inject
    TransferAmqp sink;

    @Inject
    Vertx vertx;

    @Test
    void eachTransferArrivesUnderItsEffectIdAtLeastOnceAndTheDeduplicatorPassesItOnce() throws Exception {
        ConcurrentLinkedQueue<AmqpMessage> received = new ConcurrentLinkedQueue<>();
        AmqpClient consumer = AmqpClient.create(vertx, new AmqpClientOptions().setHost("127.0.0.1").setPort(61616));
        try {
            consumer.connect().compose(connection -> connection.createReceiver(ADDRESS))
                    .onSuccess(receiver -> receiver.handler(received::add))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tests need an AMQP 1.0 broker on 127.0.0.1:61616 (start it with"
                    + " .ci/artemis/start): " + e.getMessage(), e);
        }
        try {
            String from = "amqp-" + UUID.randomUUID();
            given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                    .post("/chronon/commands").then().statusCode(200);
            int index = given().contentType(ContentType.JSON)
                    .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"amqp-b\",\"amount\":4}")
                    .post("/chronon/commands").then().statusCode(200).extract().path("index");
            String cluster = given().get("/chronon/status").then().extract().path("clusterId");
            EffectId effect = EffectId.of(UUID.fromString(cluster), index, 1);

            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
            AmqpMessage first = received.peek();
            assertEquals(effect.toString(), first.id());
            assertTrue(first.bodyAsString().contains("\"amount\":4"), first.bodyAsString());
            assertTrue(first.isDurable(), "a durable message");

            sink.deliver(new EffectSink.Delivery(effect, index, 1, 99, new Statement(index, from, "amqp-b", 4).encode()))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 2);
            EffectDeduplicator deduplicator = new EffectDeduplicator(100);
            List<String> passed = received.stream().map(AmqpMessage::id).filter(deduplicator::firstDelivery).toList();
            assertEquals(List.of(effect.toString()), passed, "the redelivery arrived, and the deduplicator dropped it");
        } finally {
            consumer.close();
        }
    }

    @Test
    void withoutABrokerADeliveryFailsSayingSoAndTheNodeStartedAnyway() {
        TransferAmqp nowhere = new TransferAmqp(vertx, "127.0.0.1", Ports.free(), Optional.empty(), Optional.empty(),
                ADDRESS);
        EffectId effect = EffectId.of(UUID.randomUUID(), 3, 1);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> nowhere.deliver(
                new EffectSink.Delivery(effect, 3, 1, 1, new Statement(3, "x", "y", 1).encode()))
                .toCompletableFuture().get(15, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().startsWith("cannot send to the AMQP broker at 127.0.0.1:"),
                failed.getCause().getMessage());
        given().get("/q/health/ready").then().statusCode(200);
        nowhere.disconnect();
    }
}
