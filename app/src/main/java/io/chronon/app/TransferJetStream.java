package io.chronon.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.quarkiverse.reactive.messaging.nats.jetstream.client.api.PublishMessageMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The bank's {@code transfers} effects on NATS JetStream (channel {@code transfers-nats}), one JSON
 * message per transfer with the effect id as {@code Nats-Msg-Id}: JetStream stores a message id once
 * within the stream's duplicate window, so a redelivery after a failover (seconds later) is dropped
 * by the server. Exactly once within that window; the delivery completes on the server's
 * acknowledgement.
 */
@ApplicationScoped
public class TransferJetStream implements EffectSink {
    /** The sink's name, for {@code chronon.effects."transfers".sink}. */
    static final String NAME = "transfers-nats";

    @Inject
    @Channel("transfers-nats")
    Emitter<byte[]> emitter;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    @Override
    public CompletionStage<Receipt> deliver(Delivery delivery) {
        EffectId id = delivery.id();
        Statement statement = Statement.decode(delivery.payload());
        byte[] json = TransferJson.bytes(id, statement);
        CompletableFuture<Receipt> acked = new CompletableFuture<>();
        PublishMessageMetadata metadata = PublishMessageMetadata.builder().messageId(id.toString()).build();
        emitter.send(Message.of(json, Metadata.of(metadata), () -> {
            acked.complete(Receipt.DELIVERED);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acked;
    }
}
