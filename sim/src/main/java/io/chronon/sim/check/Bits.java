package io.chronon.sim.check;

import java.util.Arrays;

/**
 * A mutable set of the integers {@code 0..size-1} that can hand out a compact copy of itself. The search
 * memoises every set of linearized operations it visits; a plain bitset copy would cost {@code size / 64}
 * words per visit, quadratic memory over a long history. But the search linearizes roughly in
 * invocation order, so the set is a run of ones, a short window of mixed bits, then zeros: storing only
 * the window and where it starts costs words proportional to the concurrency instead.
 */
final class Bits {
    private final long[] words;
    /** The first word that is not all ones; all words before it are. */
    private int floor;
    /** The last word that is not zero, or {@code floor - 1} or less if none from {@code floor} on is. */
    private int top = -1;

    Bits(int size) {
        words = new long[(size + 63) >>> 6];
    }

    void set(int i) {
        int word = i >>> 6;
        words[word] |= 1L << i;
        top = Math.max(top, word);
        while (floor < words.length && words[floor] == -1L) {
            floor++;
        }
    }

    void clear(int i) {
        int word = i >>> 6;
        words[word] &= ~(1L << i);
        floor = Math.min(floor, word);
        while (top >= 0 && words[top] == 0) {
            top--;
        }
    }

    /** Where {@link #window()} starts; together they determine the set. */
    int floor() {
        return floor;
    }

    /** The words from {@link #floor()} to the last non-zero one, copied. */
    long[] window() {
        return Arrays.copyOfRange(words, floor, Math.max(floor, top + 1));
    }
}
