package io.chronon.app;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectSink;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bank's {@code transfers} effects on MQTT (route them with
 * {@code chronon.effects."transfers".sink=transfers-mqtt}): one JSON message per transfer on
 * {@code bank.mqtt.topic}, published with QoS 1, and a delivery completes only when the broker's
 * PUBACK arrived. At least once: MQTT 3.1.1 has no message id a broker deduplicates by, so the effect
 * id travels in the message ({@code "effectId"}) and a consumer drops repeats, e.g. with
 * {@code io.chronon.client.EffectDeduplicator}.
 *
 * <p>Built on Vert.x's MQTT client rather than SmallRye's MQTT connector, because the connector
 * connects when the application starts and logs an error every second while no broker answers, even
 * on nodes that route no effect to MQTT; this sink connects on its first delivery, and a broker
 * outage shows as failed attempts in the outbox.
 */
@ApplicationScoped
public class TransferMqtt implements EffectSink {
    /** The sink's name, for {@code chronon.effects."transfers".sink}. */
    static final String NAME = "transfers-mqtt";
    private static final int ACK_TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final String topic;
    /** Publications waiting for their PUBACK, by packet id. Guarded by {@code this}. */
    private final Map<Integer, CompletableFuture<Receipt>> awaitingAck = new HashMap<>();
    /**
     * Outcomes that arrived before their publication was registered (the PUBACK can beat the
     * registration, which runs on the caller's thread): the failure, or "" for a PUBACK. Guarded by
     * {@code this}.
     */
    private final Map<Integer, String> settledEarly = new HashMap<>();
    /** The connection in use or being made; replaced after it failed or closed. */
    private CompletableFuture<MqttClient> connection;

    TransferMqtt(Vertx vertx, @ConfigProperty(name = "bank.mqtt.host", defaultValue = "localhost") String host,
                 @ConfigProperty(name = "bank.mqtt.port", defaultValue = "1883") int port,
                 @ConfigProperty(name = "bank.mqtt.topic", defaultValue = "chronon/transfers") String topic) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.topic = topic;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.AT_LEAST_ONCE;
    }

    @Override
    public CompletionStage<Receipt> deliver(Delivery delivery) {
        Buffer message = Buffer.buffer(TransferJson.bytes(delivery.id(), Statement.decode(delivery.payload())));
        return connected().thenCompose(client -> publish(client, message));
    }

    private CompletableFuture<Receipt> publish(MqttClient client, Buffer message) {
        CompletableFuture<Receipt> acknowledged = new CompletableFuture<>();
        client.publish(topic, message, MqttQoS.AT_LEAST_ONCE, false, false)
                .onSuccess(packetId -> register(packetId, acknowledged))
                .onFailure(acknowledged::completeExceptionally);
        return acknowledged;
    }

    private synchronized void register(int packetId, CompletableFuture<Receipt> acknowledged) {
        String early = settledEarly.remove(packetId);
        if (early == null) {
            awaitingAck.put(packetId, acknowledged);
        } else {
            complete(acknowledged, early.isEmpty() ? null : early);
        }
    }

    private synchronized CompletableFuture<MqttClient> connected() {
        if (connection != null && !connection.isCompletedExceptionally()) {
            return connection;
        }
        MqttClient client = MqttClient.create(vertx, new MqttClientOptions()
                .setClientId("chronon-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .setCleanSession(true).setAutoKeepAlive(true).setAckTimeout(ACK_TIMEOUT_SECONDS));
        client.publishCompletionHandler(packetId -> settle(packetId, null));
        client.publishCompletionExpirationHandler(packetId -> settle(packetId,
                "no PUBACK from the MQTT broker within " + ACK_TIMEOUT_SECONDS + " s"));
        CompletableFuture<MqttClient> attempt = new CompletableFuture<>();
        client.closeHandler(closed -> lost(attempt, "the connection to the MQTT broker at " + host + ":" + port
                + " closed"));
        client.connect(port, host).onSuccess(ack -> attempt.complete(client))
                .onFailure(error -> attempt.completeExceptionally(new IllegalStateException(
                        "cannot connect to the MQTT broker at " + host + ":" + port + ": " + error.getMessage(), error)));
        connection = attempt;
        return attempt;
    }

    private synchronized void settle(int packetId, String failure) {
        CompletableFuture<Receipt> acknowledged = awaitingAck.remove(packetId);
        if (acknowledged == null) {
            settledEarly.put(packetId, failure == null ? "" : failure);
            return;
        }
        complete(acknowledged, failure);
    }

    private static void complete(CompletableFuture<Receipt> acknowledged, String failure) {
        if (failure == null) {
            acknowledged.complete(Receipt.DELIVERED);
        } else {
            acknowledged.completeExceptionally(new IllegalStateException(failure));
        }
    }

    /** The connection closed: its unacknowledged publications fail (the outbox sends them again). */
    private synchronized void lost(CompletableFuture<MqttClient> closed, String why) {
        if (connection == closed) {
            connection = null;
        }
        awaitingAck.values().forEach(acknowledged -> complete(acknowledged, why));
        awaitingAck.clear();
        settledEarly.clear();
    }

    @PreDestroy
    synchronized void disconnect() {
        if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
            connection.join().disconnect();
        }
        connection = null;
    }
}
