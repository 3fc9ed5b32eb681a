package io.chronon.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys and the value every system is given: keys {@code k0000000}..{@code k0099999} in turn (so the
 * state stays bounded at about 100 MiB whatever the run length, and keys are overwritten as in the etcd
 * measurements of the reference), and one 1,024-byte value of printable ASCII, the same for every put,
 * so that no system pays for escaping or encoding that another does not.
 */
final class KeySpace {
    static final int KEYS = 100_000;
    static final int VALUE_BYTES = 1024;
    static final String VALUE = randomLetters(VALUE_BYTES);

    private final AtomicLong next = new AtomicLong();

    /** The next {@code count} keys of the cycle. */
    List<String> next(int count) {
        long first = next.getAndAdd(count);
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(key(first + i));
        }
        return keys;
    }

    static String key(long sequence) {
        String digits = Long.toString(sequence % KEYS);
        return "k" + "0".repeat(7 - digits.length()) + digits;
    }

    private static String randomLetters(int length) {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder letters = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        return letters.toString();
    }
}
