package io.chronon.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PersistentMapTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void behavesLikeATreeMapAndOldVersionsNeverChange(long seed) {
        System.out.println("PersistentMapTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        PersistentMap<Integer, String> map = PersistentMap.empty();
        TreeMap<Integer, String> model = new TreeMap<>();
        List<PersistentMap<Integer, String>> versions = new ArrayList<>();
        List<TreeMap<Integer, String>> snapshots = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
            int key = random.nextInt(500);
            if (random.nextInt(3) == 0) {
                map = map.remove(key);
                model.remove(key);
            } else {
                String value = "v" + random.nextInt(100);
                map = map.put(key, value);
                model.put(key, value);
            }
            assertEquals(model.size(), map.size());
            assertEquals(model.get(key), map.get(key));
            if (step % 500 == 0) {
                versions.add(map);
                snapshots.add(new TreeMap<>(model));
            }
        }
        assertEquals(model, map.toSortedMap());
        List<Integer> keys = new ArrayList<>();
        map.forEach(entry -> keys.add(entry.getKey()));
        assertEquals(new ArrayList<>(model.keySet()), keys, "iteration is in key order");
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(snapshots.get(i), versions.get(i).toSortedMap(), "version " + i + " changed");
        }
    }

    @Test
    void equalityDependsOnlyOnTheEntries() {
        PersistentMap<String, Integer> forwards = PersistentMap.empty();
        PersistentMap<String, Integer> backwards = PersistentMap.empty();
        for (int i = 0; i < 100; i++) {
            forwards = forwards.put("k" + i, i);
            backwards = backwards.put("k" + (99 - i), 99 - i);
        }
        assertEquals(forwards, backwards);
        assertEquals(forwards.hashCode(), backwards.hashCode());
        assertEquals(PersistentMap.empty(), PersistentMap.of(Map.of("k1", 1)).remove("k1"));
    }

    @Test
    void unchangedUpdatesReturnTheSameMap() {
        PersistentMap<String, String> map = PersistentMap.<String, String>empty().put("a", "1");
        assertSame(map, map.put("a", "1"));
        assertSame(map, map.remove("b"));
        assertNull(map.get("b"));
        assertTrue(map.containsKey("a"));
    }
}
