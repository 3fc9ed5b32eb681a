package io.chronon.app;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Topics of their own for one test on the machine's Kafka broker (127.0.0.1:9092, started by
 * {@code .ci/kafka/start}), so that runs never see each other's records, and reading them back as a
 * consumer would. A missing broker fails the test and says how to start it.
 */
final class KafkaTestTopics {
    static final String SERVERS = "127.0.0.1:9092";

    private KafkaTestTopics() {}

    static Map<String, Object> client() {
        try {
            new Socket("127.0.0.1", 9092).close();
        } catch (IOException e) {
            throw new IllegalStateException("the tests need Kafka on " + SERVERS + " (start it with .ci/kafka/start): "
                    + e.getMessage(), e);
        }
        return Map.of("bootstrap.servers", SERVERS);
    }

    /** A topic name no other run uses. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Every record of {@code topic} a consumer with this isolation level sees
     * ({@code read_committed}: those of committed transactions; {@code read_uncommitted}: aborted ones too).
     */
    static List<ConsumerRecord<byte[], byte[]>> read(String topic, String isolation) {
        Map<String, Object> config = new HashMap<>(client());
        config.put("isolation.level", isolation);
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The effect ids of {@code records}, in order (the Kafka sink's header). */
    static List<String> effectIds(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Header header = record.headers().lastHeader("chronon-effect-id");
            ids.add(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    static void delete(String... topics) {
        try (Admin admin = Admin.create(client())) {
            admin.deleteTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // A topic never created (the test failed before) is fine to miss.
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("could not delete the test topics " + List.of(topics), e);
            }
        }
    }
}
