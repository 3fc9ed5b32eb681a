package io.chronon.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The consumer's half of an at-least-once sink (RabbitMQ, MQTT, other brokers): Chronon sends each
 * effect with its effect id as the message id, and may send it again after a failover; a consumer
 * that must act once per effect asks {@link #firstDelivery} and skips the repeats.
 *
 * <p>It remembers the most recent {@code capacity} ids in memory, which covers redeliveries (they
 * come within the outbox's retry window, seconds to minutes). It forgets on restart: a consumer that
 * must be exactly once across its own restarts records the ids durably, in the same transaction as
 * its effect (as Chronon's PostgreSQL sink does), and this class is not enough. Thread-safe.
 */
public final class EffectDeduplicator {
    private final Map<String, Boolean> seen;

    public EffectDeduplicator(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time an effect id is seen (act on it), false for a repeat (skip it). */
    public synchronized boolean firstDelivery(String effectId) {
        Objects.requireNonNull(effectId, "effectId");
        return seen.putIfAbsent(effectId, Boolean.TRUE) == null;
    }
}
