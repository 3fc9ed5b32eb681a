package io.chronon.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The bank's {@code transfers} effects as RabbitMQ messages on the {@code transfers} channel (exchange
 * {@code chronon.transfers} by default), one JSON message per transfer. The effect id is the message
 * id, and a delivery completes only when the broker confirmed the message (publisher confirms are on
 * for the channel): at least once. A consumer that must see each transfer once drops repeated
 * message ids, e.g. with {@code io.chronon.client.EffectDeduplicator}.
 */
@ApplicationScoped
public class TransferMessages implements EffectSink {
    @Inject
    @Channel("transfers")
    Emitter<String> emitter;

    /** The sink's name, which {@code chronon.effects."transfers".sink} routes the bank's transfers to. */
    static final String NAME = "transfers-rabbitmq";

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
        EffectId id = delivery.id();
        Statement statement = Statement.decode(delivery.payload());
        String json = TransferJson.of(id, statement);
        CompletableFuture<Receipt> confirmed = new CompletableFuture<>();
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder().withMessageId(id.toString())
                .withContentType("application/json").withHeader("chronon-view", delivery.view()).build();
        emitter.send(Message.of(json, Metadata.of(metadata), () -> {
            confirmed.complete(Receipt.DELIVERED);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            confirmed.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return confirmed;
    }
}
