package io.chronon.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between attempts: the base delay doubles from {@code initial} up to
 * {@code max}, and each delay is drawn uniformly from the upper half of the base, so clients that
 * failed together (a view change fails them all at once) do not come back together, yet none retries
 * at once. The random generator is injected so that tests can fix the seed.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before retry number {@code retry} (0 for the first retry). */
    Duration delay(int retry) {
        long base = initialNanos;
        for (int i = 0; i < retry && base < maxNanos; i++) {
            base = Math.min(maxNanos, base * 2);
        }
        long half = base / 2;
        long jitter;
        synchronized (random) { // RandomGenerator implementations are not required to be thread-safe
            jitter = random.nextLong(base - half + 1);
        }
        return Duration.ofNanos(half + jitter);
    }
}
