package io.chronon.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {
    private static List<Duration> delays(long seed) {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800), new SplittableRandom(seed));
        return IntStream.range(0, 8).mapToObj(backoff::delay).toList();
    }

    @Test
    void eachDelayLiesInTheUpperHalfOfABaseThatDoublesUpToTheMaximum() {
        List<Duration> delays = delays(42);
        long[] bases = {100, 200, 400, 800, 800, 800, 800, 800};
        for (int i = 0; i < bases.length; i++) {
            Duration low = Duration.ofMillis(bases[i] / 2);
            Duration high = Duration.ofMillis(bases[i]);
            Duration delay = delays.get(i);
            assertTrue(delay.compareTo(low) >= 0 && delay.compareTo(high) <= 0,
                    "retry " + i + ": " + delay + " not in [" + low + ", " + high + "]");
        }
    }

    @Test
    void theSeedDecidesTheJitter() {
        assertEquals(delays(7), delays(7));
        assertNotEquals(delays(7), delays(8));
    }

    @Test
    void anInitialDelayAboveTheMaximumIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom(1)));
    }
}
