package io.chronon.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A set of log indices kept as disjoint, merged inclusive ranges. Not thread-safe. */
final class IndexRanges {
    /** first index of a range to its last index. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    record Range(long first, long last) {}

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean contains(long index) {
        Map.Entry<Long, Long> range = ranges.floorEntry(index);
        return range != null && range.getValue() >= index;
    }

    /** Whether any index in [first, last] is in the set. */
    boolean intersects(long first, long last) {
        Map.Entry<Long, Long> range = ranges.floorEntry(last);
        return range != null && range.getValue() >= first;
    }

    void add(long first, long last) {
        Invariants.check(first <= last, "empty range [%s, %s]", first, last);
        Map.Entry<Long, Long> before = ranges.floorEntry(first);
        if (before != null && (before.getValue() == Long.MAX_VALUE || before.getValue() + 1 >= first)) {
            first = before.getKey();
            last = Math.max(last, before.getValue());
            ranges.remove(before.getKey());
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(first)) != null
                && (last == Long.MAX_VALUE || next.getKey() <= last + 1)) {
            last = Math.max(last, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(first, last);
    }

    void remove(long first, long last) {
        Map.Entry<Long, Long> range;
        while ((range = ranges.floorEntry(last)) != null && range.getValue() >= first) {
            ranges.remove(range.getKey());
            if (range.getKey() < first) {
                ranges.put(range.getKey(), first - 1);
            }
            if (range.getValue() > last) {
                ranges.put(last + 1, range.getValue());
            }
        }
    }

    void removeAbove(long index) {
        if (index < Long.MAX_VALUE) {
            remove(index + 1, Long.MAX_VALUE);
        }
    }

    void removeBelow(long index) {
        if (index > Long.MIN_VALUE) {
            remove(Long.MIN_VALUE, index - 1);
        }
    }

    List<Range> toList() {
        List<Range> list = new ArrayList<>();
        ranges.forEach((first, last) -> list.add(new Range(first, last)));
        return list;
    }
}
