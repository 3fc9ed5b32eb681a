package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.chronon.client.EffectDeduplicator;
import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfer messages on the machine's RabbitMQ: one message per transfer with the effect
 * id as message id, confirmed by the broker before the effect is acknowledged; a second delivery of
 * the same effect (what a failover does) arrives twice at the broker, and once through the
 * consumer's {@link EffectDeduplicator}.
 */
@QuarkusTest
@QuarkusTestResource(RabbitMqTestExchange.class)
class TransferMessagesTest {
    @Inject
    TransferMessages sink;

    @Test
    void aTransferIsOneConfirmedMessageKeyedByItsEffectIdAndARedeliveryIsDroppedByTheConsumer() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            // Declared as the connector declares it: a durable topic exchange, deleted with its last queue.
            channel.exchangeDeclare(RabbitMqTestExchange.exchange(), "topic", true, true, null);
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, RabbitMqTestExchange.exchange(), "#");

            String from = "rabbit-" + UUID.randomUUID();
            given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                    .post("/chronon/commands").then().statusCode(200);
            int index = given().contentType(ContentType.JSON)
                    .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"rabbit-b\",\"amount\":4}")
                    .post("/chronon/commands").then().statusCode(200).extract().path("index");
            String cluster = given().get("/chronon/status").then().extract().path("clusterId");
            EffectId effect = EffectId.of(UUID.fromString(cluster), index, 1);

            List<GetResponse> received = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                GetResponse message = channel.basicGet(queue, true);
                if (message != null) {
                    received.add(message);
                }
                return !received.isEmpty();
            });
            GetResponse first = received.getFirst();
            assertEquals(effect.toString(), first.getProps().getMessageId());
            String body = new String(first.getBody(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"index\":" + index) && body.contains("\"amount\":4"), body);

            sink.deliver(new EffectSink.Delivery(effect, index, 1, 99, new Statement(index, from, "rabbit-b", 4).encode()))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                GetResponse message = channel.basicGet(queue, true);
                if (message != null) {
                    received.add(message);
                }
                return received.size() == 2;
            });
            EffectDeduplicator consumer = new EffectDeduplicator(1_000);
            assertTrue(consumer.firstDelivery(received.get(0).getProps().getMessageId()));
            assertFalse(consumer.firstDelivery(received.get(1).getProps().getMessageId()),
                    "the redelivered message carries the same id, and the consumer drops it");
        }
    }
}
