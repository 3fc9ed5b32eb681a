package io.chronon.app;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectSink;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bank's {@code transfers} effects on an AMQP 1.0 broker (route them with
 * {@code chronon.effects."transfers".sink=transfers-amqp}): one durable JSON message per transfer to
 * {@code bank.amqp.address}, with the effect id as message id, and a delivery completes when the
 * broker accepted the message. At least once: consumers drop repeated message ids, e.g. with
 * {@code io.chronon.client.EffectDeduplicator}.
 *
 * <p>Built on Vert.x's AMQP client rather than SmallRye's AMQP connector, because the connector
 * connects when the application starts (even with {@code lazy-client}) and logs an error at each
 * retry while no broker answers, on nodes that route nothing to AMQP too; this sink connects on its
 * first delivery, and a broker outage shows as failed attempts in the outbox.
 */
@ApplicationScoped
public class TransferAmqp implements EffectSink {
    /** The sink's name, for {@code chronon.effects."transfers".sink}. */
    static final String NAME = "transfers-amqp";
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Vertx vertx;
    private final AmqpClientOptions options;
    private final String address;
    /** The sender in use or being made; replaced after its connection failed or closed. */
    private CompletableFuture<AmqpSender> sender;
    private AmqpClient client;

    TransferAmqp(Vertx vertx, @ConfigProperty(name = "bank.amqp.host", defaultValue = "localhost") String host,
                 @ConfigProperty(name = "bank.amqp.port", defaultValue = "5672") int port,
                 @ConfigProperty(name = "bank.amqp.username") Optional<String> username,
                 @ConfigProperty(name = "bank.amqp.password") Optional<String> password,
                 @ConfigProperty(name = "bank.amqp.address", defaultValue = "chronon.transfers") String address) {
        this.vertx = vertx;
        this.options = new AmqpClientOptions().setHost(host).setPort(port).setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        username.ifPresent(options::setUsername);
        password.ifPresent(options::setPassword);
        this.address = address;
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
        AmqpMessage message = AmqpMessage.create().id(delivery.id().toString()).durable(true)
                .contentType("application/json")
                .applicationProperties(new JsonObject().put("chronon-view", delivery.view()))
                .withBody(TransferJson.of(delivery.id(), Statement.decode(delivery.payload()))).build();
        return connected().thenCompose(ready -> ready.sendWithAck(message).toCompletionStage())
                .thenApply(accepted -> Receipt.DELIVERED);
    }

    private synchronized CompletableFuture<AmqpSender> connected() {
        if (sender != null && !sender.isCompletedExceptionally()) {
            return sender;
        }
        if (client != null) {
            client.close();
        }
        client = AmqpClient.create(vertx, options);
        CompletableFuture<AmqpSender> attempt = new CompletableFuture<>();
        String broker = options.getHost() + ":" + options.getPort();
        client.connect().compose(connection -> {
            connection.closeFuture().onComplete(closed -> lost(attempt));
            connection.exceptionHandler(error -> lost(attempt));
            return connection.createSender(address);
        }).onSuccess(attempt::complete).onFailure(error -> attempt.completeExceptionally(new IllegalStateException(
                "cannot send to the AMQP broker at " + broker + ", address " + address + ": " + error.getMessage(),
                error)));
        sender = attempt;
        return attempt;
    }

    /** The connection closed or failed: the next delivery connects again. */
    private synchronized void lost(CompletableFuture<AmqpSender> broken) {
        if (sender == broken) {
            sender = null;
        }
    }

    @PreDestroy
    synchronized void disconnect() {
        if (client != null) {
            client.close();
        }
        sender = null;
    }
}
