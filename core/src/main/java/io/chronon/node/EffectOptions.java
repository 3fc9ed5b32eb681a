package io.chronon.node;

import java.util.Set;

import io.chronon.engine.Invariants;

/**
 * How the primary delivers effects.
 *
 * @param maxAttempts    deliveries of one effect before it is marked failed (replicated, visible,
 *                       retryable by an operator); {@code chronon.outbox.max-attempts}
 * @param backoffTicks   the wait after the first failure; it doubles with each further failure
 * @param maxBackoffTicks the longest wait between two attempts; a random part of up to half of each
 *                       wait is added (jitter), from a seeded source
 * @param unorderedSinks sinks that take effects in any order, several at a time; every other sink
 *                       gets its effects one at a time, in log order
 */
public record EffectOptions(int maxAttempts, int backoffTicks, int maxBackoffTicks, Set<String> unorderedSinks) {
    public static final EffectOptions DEFAULTS = new EffectOptions(10, 10, 1000, Set.of());

    public EffectOptions {
        Invariants.check(maxAttempts >= 1, "an effect gets at least one attempt");
        Invariants.check(backoffTicks >= 1 && maxBackoffTicks >= backoffTicks, "backoffs are positive and bounded");
        unorderedSinks = Set.copyOf(unorderedSinks);
    }
}
