package io.chronon.quarkus.sink;

import java.util.List;

import io.chronon.kernel.EffectSink;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What an application publishes to Kafka for one kind of effect. Implement it as a CDI bean and
 * route the effect kind to Kafka ({@code chronon.effects."<kind>".sink=kafka}): the Kafka sink sends
 * the records in one transaction together with the sink's outbox position, so that a
 * read-committed consumer sees each effect's records exactly once. The sink adds the headers
 * {@code chronon-effect-id} and {@code chronon-view} to every record.
 */
public interface KafkaEffectWriter {
    /** The effect kind this writer handles: the sink name the application gives its effects. */
    String effect();

    /**
     * The records of one effect (topic, key, value; no partition needed). A pure function of the
     * delivery: a new primary that sends an effect again must send the same records.
     */
    List<ProducerRecord<byte[], byte[]>> records(EffectSink.Delivery delivery);
}
