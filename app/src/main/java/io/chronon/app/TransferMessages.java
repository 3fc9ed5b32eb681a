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
    public CompletionStage<Void> deliver(EffectId id, long view, byte[] payload) {
        Statement statement = Statement.decode(payload);
        String json = "{\"effectId\":\"" + id + "\",\"index\":" + statement.index() + ",\"from\":"
                + quoted(statement.from()) + ",\"to\":" + quoted(statement.to()) + ",\"amount\":" + statement.amount()
                + "}";
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder().withMessageId(id.toString())
                .withContentType("application/json").withHeader("chronon-view", view).build();
        emitter.send(Message.of(json, Metadata.of(metadata), () -> {
            confirmed.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            confirmed.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return confirmed;
    }

    /** A JSON string (account names are 1 to 256 characters of any kind). */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
