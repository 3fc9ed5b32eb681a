package io.chronon.sim.check;

import java.util.stream.LongStream;

/**
 * Seeds for randomized tests. CI runs a bounded number; a long run asks for more with
 * {@code -Dchronon.test.seeds=N} (and {@code -Dchronon.test.first-seed=S} to start elsewhere).
 * Every test prints the seed it runs, and a failing seed replays exactly.
 */
final class Seeds {
    private Seeds() {}

    static LongStream range(int defaultCount) {
        long first = Long.getLong("chronon.test.first-seed", 1);
        long count = Long.getLong("chronon.test.seeds", defaultCount);
        return LongStream.range(first, first + count);
    }
}
