package io.chronon.app;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectSink;
import io.chronon.quarkus.sink.KafkaEffectWriter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bank's {@code transfers} effects as Kafka records (route them with
 * {@code chronon.effects."transfers".sink=kafka}): one JSON record per transfer on
 * {@code bank.kafka.transfers-topic}, keyed by the paying account so that one account's transfers
 * stay in order. The Kafka sink publishes it in a transaction with its outbox position: a
 * read-committed consumer sees each transfer exactly once.
 */
@ApplicationScoped
public class TransferRecords implements KafkaEffectWriter {
    private final String topic;

    TransferRecords(@ConfigProperty(name = "bank.kafka.transfers-topic", defaultValue = "chronon-transfers")
                    String topic) {
        this.topic = topic;
    }

    @Override
    public String effect() {
        return Statement.TRANSFERS;
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> records(EffectSink.Delivery delivery) {
        Statement transfer = Statement.decode(delivery.payload());
        return List.of(new ProducerRecord<>(topic, transfer.from().getBytes(StandardCharsets.UTF_8),
                TransferJson.bytes(delivery.id(), transfer)));
    }
}
