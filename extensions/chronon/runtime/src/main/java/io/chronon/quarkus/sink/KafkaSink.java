package io.chronon.quarkus.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Exactly-once delivery to Kafka for read-committed consumers. Effects of one kind arrive in log
 * order, one at a time (an ordered sink), and each is published in one Kafka transaction together
 * with the sink's <em>outbox position</em>: the log index and ordinal of that effect, as a record
 * keyed by cluster and kind on the position topic. Then:
 * <ul>
 *   <li>the producer's transactional id is stable per cluster and kind, so a new primary's
 *       {@code initTransactions} fences the previous primary's producer and aborts a transaction it
 *       left open;</li>
 *   <li>a new primary reads the position back (read-committed) and acknowledges every effect at or
 *       before it without sending it again: a primary that died between Kafka's commit and the
 *       acknowledgement entry caused no duplicate;</li>
 *   <li>right before {@code commitTransaction} the primary confirms with a quorum round that it
 *       still leads its view, and aborts if not, so that a deposed primary that has not heard of the
 *       new view cannot commit either.</li>
 * </ul>
 * Kafka's client blocks, so the sink runs on a thread of its own; the effects thread only waits.
 */
public final class KafkaSink implements EffectSink, AutoCloseable {
    /** Header on every record of an effect: its id (32 hex digits). */
    public static final String EFFECT_ID_HEADER = "chronon-effect-id";
    /** Header on every record of an effect: the view of the primary that published it. */
    public static final String VIEW_HEADER = "chronon-view";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration METADATA_RETRY = Duration.ofMillis(100);
    private static final int POSITION_PARTITIONS = 16;
    private static final Logger LOG = Logger.getLogger(KafkaSink.class);

    private final String name;
    private final UUID cluster;
    private final Map<String, Object> clientConfig;
    private final String positionTopic;
    private final KafkaEffectWriter writer;
    private final ViewConfirmation confirmation;
    private final SinkCounters counters;
    private final byte[] positionKey;
    private final ExecutorService thread;

    // Touched on the sink's thread only.
    private KafkaProducer<byte[], byte[]> producer;
    private long producerView = -1;
    private int positionPartition = -1;
    /** The last effect known to be in Kafka: read back at activation, then advanced by each commit. */
    private Position landed;

    /** Where the sink's effects stand in the log: the last one published, and by which view. */
    record Position(long view, long index, int ordinal, EffectId id) {
        byte[] encode() {
            return (view + " " + index + " " + ordinal + " " + id).getBytes(StandardCharsets.UTF_8);
        }

        static Position decode(byte[] value) {
            String[] fields = new String(value, StandardCharsets.UTF_8).split(" ");
            if (fields.length != 4) {
                throw new IllegalStateException("an outbox position record reads '" + new String(value,
                        StandardCharsets.UTF_8) + "': the position topic holds something else");
            }
            return new Position(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Integer.parseInt(fields[2]),
                    EffectId.parse(fields[3]));
        }
    }

    /**
     * @param clientConfig the Kafka client settings shared by producer, consumer and admin client
     *                     ({@code bootstrap.servers} at least)
     */
    public KafkaSink(String name, UUID cluster, Map<String, Object> clientConfig, String positionTopic,
                     KafkaEffectWriter writer, ViewConfirmation confirmation, SinkCounters counters) {
        this.name = name;
        this.cluster = cluster;
        this.clientConfig = Map.copyOf(clientConfig);
        this.positionTopic = positionTopic;
        this.writer = writer;
        this.confirmation = confirmation;
        this.counters = counters;
        this.positionKey = (cluster + "/" + name).getBytes(StandardCharsets.UTF_8);
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("chronon-kafka-" + name).factory());
    }

    /** The transactional id: one per cluster and effect kind, the same on every replica. */
    public String transactionalId() {
        return "chronon-" + cluster + "-" + name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    @Override
    public CompletionStage<Receipt> deliver(Delivery delivery) {
        return CompletableFuture.supplyAsync(() -> deliverNow(delivery), thread);
    }

    private Receipt deliverNow(Delivery delivery) {
        try {
            if (producer == null || producerView != delivery.view()) {
                activate(delivery.view());
            }
            if (landed != null && !delivery.after(landed.index(), landed.ordinal())) {
                counters.duplicateSuppressed(name);
                LOG.infof("effect %s (index %d) already landed in Kafka: the outbox position of %s is index %d,"
                                + " ordinal %d, published in view %d; this delivery (view %d) sends nothing",
                        delivery.id(), delivery.index(), name, landed.index(), landed.ordinal(), landed.view(),
                        delivery.view());
                return Receipt.DUPLICATE_SUPPRESSED;
            }
            Position next = new Position(delivery.view(), delivery.index(), delivery.ordinal(), delivery.id());
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : writer.records(delivery)) {
                sent.add(producer.send(tagged(record, delivery)));
            }
            sent.add(producer.send(new ProducerRecord<>(positionTopic, positionPartition, positionKey, next.encode())));
            producer.flush();
            for (Future<RecordMetadata> send : sent) {
                send.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!confirmation.stillLeads(delivery.view()).toCompletableFuture().get(TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS)) {
                throw new FencedOutException(name, delivery.view(), "this replica no longer leads view "
                        + delivery.view() + " (a quorum round said so right before the commit)");
            }
            producer.commitTransaction();
            landed = next;
            return Receipt.DELIVERED;
        } catch (ExecutionException e) {
            throw failed(delivery, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(delivery, e);
        } catch (TimeoutException | RuntimeException e) {
            throw failed(delivery, e);
        }
    }

    /**
     * Gives up the transaction: aborted when the producer still can, otherwise the producer is
     * dropped and the next delivery starts afresh (and learns from the position what landed).
     */
    private RuntimeException failed(Delivery delivery, Throwable cause) {
        boolean fenced = cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
                || cause instanceof FencedOutException;
        if (producer != null) {
            try {
                producer.abortTransaction();
                counters.aborted(name);
                LOG.infof("aborted the Kafka transaction of effect %s (view %d): %s", delivery.id(), delivery.view(),
                        cause.getMessage());
            } catch (KafkaException | IllegalStateException notAbortable) {
                discardProducer();
            }
        }
        if (fenced) {
            counters.fenced(name);
            discardProducer();
            LOG.warnf("refused a delivery of effect %s to Kafka: %s (a newer primary took over)", delivery.id(),
                    cause.getMessage());
            return cause instanceof FencedOutException fencedOut ? fencedOut
                    : new FencedOutException(name, delivery.view(), "a newer producer with transactional id "
                    + transactionalId() + " fenced this one");
        }
        if (!(cause instanceof KafkaException) || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            // After a timeout the producer's state is unclear: start the next delivery afresh.
            discardProducer();
        }
        return cause instanceof RuntimeException runtime ? runtime : new KafkaException(cause.getMessage(), cause);
    }

    /**
     * Takes the transactional id for {@code view}: reads the position (a position published by a newer
     * view means this replica is deposed: it refuses before fencing anyone), initialises the
     * transactions (fencing the older producers, aborting their open transaction) and reads the
     * position again, now final.
     */
    private void activate(long view) {
        discardProducer();
        ensurePositionTopic();
        Position before = readPosition();
        if (before != null && before.view() > view) {
            throw new FencedOutException(name, view, before.view());
        }
        KafkaProducer<byte[], byte[]> fresh = new KafkaProducer<>(producerConfig());
        try {
            fresh.initTransactions();
            landed = readPosition();
        } catch (RuntimeException e) {
            fresh.close(Duration.ZERO);
            throw e;
        }
        if (landed != null && landed.view() > view) {
            fresh.close(Duration.ZERO);
            throw new FencedOutException(name, view, landed.view());
        }
        producer = fresh;
        producerView = view;
        LOG.infof("Kafka sink %s: transactional id %s in view %d; outbox position %s", name, transactionalId(), view,
                landed == null ? "none yet" : "index " + landed.index() + ", ordinal " + landed.ordinal()
                        + " (view " + landed.view() + ")");
    }

    private void ensurePositionTopic() {
        if (positionPartition >= 0) {
            return;
        }
        try (Admin admin = Admin.create(clientConfig)) {
            NewTopic topic = new NewTopic(positionTopic, Optional.of(POSITION_PARTITIONS), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created the Kafka outbox position topic %s", positionTopic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("cannot create the outbox position topic " + positionTopic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        } catch (TimeoutException e) {
            throw new KafkaException("no answer from Kafka within " + TIMEOUT.toSeconds() + " s creating the"
                    + " outbox position topic " + positionTopic, e);
        }
        positionPartition = Utils.toPositive(Utils.murmur2(positionKey)) % positionPartitionCount();
    }

    /**
     * The partition count of the position topic. Right after the topic is created the broker's metadata
     * may not list its partitions yet (an empty answer, seen on a fresh broker), so ask again until it does.
     */
    private int positionPartitionCount() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            while (true) {
                List<PartitionInfo> partitions = consumer.partitionsFor(positionTopic, TIMEOUT);
                if (partitions != null && !partitions.isEmpty()) {
                    return partitions.size();
                }
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("Kafka lists no partitions of the outbox position topic " + positionTopic
                            + " within " + TIMEOUT.toSeconds() + " s of creating it");
                }
                LockSupport.parkNanos(METADATA_RETRY.toNanos());
            }
        }
    }

    /** The last committed position of this cluster and kind, or null if it never published. */
    private Position readPosition() {
        TopicPartition partition = new TopicPartition(positionTopic, positionPartition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            Position last = null;
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read the outbox position topic " + positionTopic
                            + " to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(record.key(), positionKey)) {
                        last = Position.decode(record.value());
                    }
                }
            }
            return last;
        }
    }

    private ProducerRecord<byte[], byte[]> tagged(ProducerRecord<byte[], byte[]> record, Delivery delivery) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(EFFECT_ID_HEADER, delivery.id().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(VIEW_HEADER, Long.toString(delivery.view()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(),
                record.value(), headers);
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put("transactional.id", transactionalId());
        config.put("enable.idempotence", true);
        config.put("acks", "all");
        config.put("key.serializer", ByteArraySerializer.class.getName());
        config.put("value.serializer", ByteArraySerializer.class.getName());
        config.putIfAbsent("max.block.ms", (int) TIMEOUT.toMillis());
        config.putIfAbsent("request.timeout.ms", (int) TIMEOUT.toMillis());
        config.putIfAbsent("delivery.timeout.ms", (int) TIMEOUT.toMillis() + 5_000);
        config.putIfAbsent("transaction.timeout.ms", 60_000);
        config.putIfAbsent("client.id", "chronon-" + name);
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put("isolation.level", "read_committed");
        config.put("enable.auto.commit", false);
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.putIfAbsent("request.timeout.ms", (int) TIMEOUT.toMillis());
        config.putIfAbsent("default.api.timeout.ms", (int) TIMEOUT.toMillis());
        return config;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
            producerView = -1;
        }
    }

    @Override
    public void close() {
        thread.execute(this::discardProducer);
        thread.shutdown();
        try {
            thread.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
