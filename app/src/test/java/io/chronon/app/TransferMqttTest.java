package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.client.EffectDeduplicator;
import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.testkit.Ports;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfers routed to the machine's MQTT broker (Mosquitto, 127.0.0.1:1883) on a topic of
 * this run's own: each transfer arrives with its effect id, a second delivery of the same effect (what
 * a failover does) arrives again (at least once), and the consumer-side deduplicator lets it through
 * once.
 */
@QuarkusTest
@TestProfile(TransferMqttTest.ToMqtt.class)
class TransferMqttTest {
    private static final String TOPIC = "chronon/transfers/" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class ToMqtt implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chronon.effects.\"transfers\".sink", TransferMqtt.NAME, "bank.mqtt.host", "127.0.0.1",
                    "bank.mqtt.port", "1883", "bank.mqtt.topic", TOPIC);
        }
    }

    @Inject
    TransferMqtt sink;

    @Inject
    Vertx vertx;

    @Test
    void eachTransferArrivesWithItsEffectIdAtLeastOnceAndTheDeduplicatorPassesItOnce() throws Exception {
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        MqttClient subscriber = MqttClient.create(vertx);
        try {
            subscriber.publishHandler(message -> received.add(message.payload().toString()));
            subscriber.connect(1883, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            subscriber.subscribe(TOPIC, MqttQoS.AT_LEAST_ONCE.value()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tests need an MQTT broker on 127.0.0.1:1883: " + e.getMessage(), e);
        }
        try {
            String from = "mqtt-" + UUID.randomUUID();
            given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                    .post("/chronon/commands").then().statusCode(200);
            int index = given().contentType(ContentType.JSON)
                    .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"mqtt-b\",\"amount\":4}")
                    .post("/chronon/commands").then().statusCode(200).extract().path("index");
            String cluster = given().get("/chronon/status").then().extract().path("clusterId");
            EffectId effect = EffectId.of(UUID.fromString(cluster), index, 1);

            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
            String first = received.peek();
            assertEquals(effect.toString(), JSON.readTree(first).get("effectId").asText(), first);
            assertEquals(4, JSON.readTree(first).get("amount").asLong(), first);

            sink.deliver(new EffectSink.Delivery(effect, index, 1, 99, new Statement(index, from, "mqtt-b", 4).encode()))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 2);
            EffectDeduplicator deduplicator = new EffectDeduplicator(100);
            List<String> passed = received.stream().filter(message -> {
                try {
                    return deduplicator.firstDelivery(JSON.readTree(message).get("effectId").asText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertEquals(List.of(first), passed, "the redelivery arrived, and the deduplicator dropped it");
        } finally {
            subscriber.disconnect();
        }
    }

    @Test
    void everyPublicationCompletesOnItsPubackEvenWhenThePubackBeatsItsRegistration() throws Exception {
        // From this thread, the broker's PUBACK often arrives before the publication's packet id is
        // registered: each of these must still complete.
        UUID cluster = UUID.randomUUID();
        for (int index = 1; index <= 50; index++) {
            EffectId effect = EffectId.of(cluster, index, 1);
            assertEquals(EffectSink.Receipt.DELIVERED, sink.deliver(new EffectSink.Delivery(effect, index, 1, 1,
                    new Statement(index, "mqtt-many", "mqtt-b", 1).encode())).toCompletableFuture().get(10,
                    TimeUnit.SECONDS), "publication " + index);
        }
    }

    @Test
    void withoutABrokerADeliveryFailsSayingSoAndTheNodeStartedAnyway() {
        TransferMqtt nowhere = new TransferMqtt(vertx, "127.0.0.1", Ports.free(), TOPIC);
        EffectId effect = EffectId.of(UUID.randomUUID(), 3, 1);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> nowhere.deliver(
                new EffectSink.Delivery(effect, 3, 1, 1, new Statement(3, "x", "y", 1).encode()))
                .toCompletableFuture().get(15, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().startsWith("cannot connect to the MQTT broker at 127.0.0.1:"),
                failed.getCause().getMessage());
        given().get("/q/health/ready").then().statusCode(200);
    }
}
