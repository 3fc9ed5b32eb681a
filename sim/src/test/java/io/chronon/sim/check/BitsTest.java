package io.chronon.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The memo relies on (floor, window) naming each set exactly: equal sets give equal pairs, and only they. */
class BitsTest {

    @Test
    void floorAndWindowDetermineTheSet() {
        Random random = new Random(7);
        int size = 300;
        Bits bits = new Bits(size);
        BitSet reference = new BitSet(size);
        Map<List<Object>, BitSet> seen = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // Mostly fill from the bottom up, as the search does, with some churn anywhere.
            int index = random.nextInt(4) == 0 ? random.nextInt(size) : Math.min(size - 1,
                    reference.nextClearBit(0) + random.nextInt(80));
            if (random.nextInt(3) == 0) {
                bits.clear(index);
                reference.clear(index);
            } else {
                bits.set(index);
                reference.set(index);
            }
            long[] words = Arrays.copyOf(reference.toLongArray(), (size + 63) / 64);
            int floor = 0;
            while (floor < words.length && words[floor] == -1L) {
                floor++;
            }
            assertEquals(floor, bits.floor());
            long[] window = bits.window();
            assertEquals(reference, BitSet.valueOf(concat(floor, window)));
            BitSet before = seen.putIfAbsent(List.of(bits.floor(), Arrays.toString(window)), (BitSet) reference.clone());
            assertEquals(before == null ? reference : before, reference);
        }
    }

    @Test
    void emptyAndFullSets() {
        Bits none = new Bits(0);
        assertEquals(0, none.floor());
        assertEquals(0, none.window().length);
        Bits full = new Bits(128);
        for (int i = 0; i < 128; i++) {
            full.set(i);
        }
        assertEquals(2, full.floor());
        assertEquals(0, full.window().length);
        full.clear(5);
        assertEquals(0, full.floor());
        assertEquals(2, full.window().length);
    }

    private static long[] concat(int floor, long[] window) {
        long[] words = new long[floor + window.length];
        Arrays.fill(words, 0, floor, -1L);
        System.arraycopy(window, 0, words, floor, window.length);
        return words;
    }
}
