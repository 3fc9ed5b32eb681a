package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The bank's transfers routed to NATS JetStream on the machine's NATS server, into a stream of this
 * run's own: each transfer is stored once with its effect id as {@code Nats-Msg-Id}, and a second
 * delivery of the same effect (what a failover does) is dropped by the server's duplicate window.
 */
@QuarkusTest
@TestProfile(TransferJetStreamTest.ToJetStream.class)
class TransferJetStreamTest {
    private static final String RUN = UUID.randomUUID().toString().replace("-", "");
    private static final String STREAM = "chronon-transfers-" + RUN;
    private static final String SUBJECT = "chronon.transfers." + RUN;

    public static class ToJetStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chronon.effects.\"transfers\".sink", TransferJetStream.NAME,
                    "mp.messaging.outgoing.transfers-nats.stream", STREAM,
                    "mp.messaging.outgoing.transfers-nats.subject", SUBJECT,
                    "quarkus.messaging.nats.connection.servers", "nats://127.0.0.1:4222");
        }
    }

    @Inject
    TransferJetStream sink;

    @Test
    void eachTransferIsStoredOnceUnderItsEffectIdAndARedeliveryIsDropped() throws Exception {
        try (Connection nats = connect()) {
            JetStreamManagement streams = nats.jetStreamManagement();
            streams.addStream(StreamConfiguration.builder().name(STREAM).subjects(SUBJECT)
                    .duplicateWindow(Duration.ofMinutes(2)).build());
            try {
                String from = "nats-" + UUID.randomUUID();
                given().contentType(ContentType.JSON)
                        .body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                        .post("/chronon/commands").then().statusCode(200);
                int index = given().contentType(ContentType.JSON)
                        .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"nats-b\",\"amount\":4}")
                        .post("/chronon/commands").then().statusCode(200).extract().path("index");
                String cluster = given().get("/chronon/status").then().extract().path("clusterId");
                EffectId effect = EffectId.of(UUID.fromString(cluster), index, 1);

                Awaitility.await().atMost(Duration.ofSeconds(15))
                        .until(() -> streams.getStreamInfo(STREAM).getStreamState().getMsgCount() == 1);
                assertEquals(effect.toString(), streams.getMessage(STREAM, 1).getHeaders().getFirst("Nats-Msg-Id"));

                sink.deliver(new EffectSink.Delivery(effect, index, 1, 99, new Statement(index, from, "nats-b", 4).encode()))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(1, streams.getStreamInfo(STREAM).getStreamState().getMsgCount(),
                        "the redelivery within the duplicate window was dropped by JetStream");
            } finally {
                streams.deleteStream(STREAM);
            }
        }
    }

    private static Connection connect() throws IOException, InterruptedException {
        try {
            return Nats.connect("nats://127.0.0.1:4222");
        } catch (IOException e) {
            throw new IOException("the tests need NATS with JetStream on 127.0.0.1:4222: " + e.getMessage(), e);
        }
    }
}
