package io.chronon.vsr;

import java.util.ArrayList;
import java.util.List;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;

/**
 * The replica's view of its own log: the most recent entries in memory, the hash that links them to
 * the entries before (which only storage holds), and how far the log is durable.
 *
 * <p>Invariants: entries in memory are contiguous, chained, and end at {@link #op()};
 * {@code durableOp <= op}; the hash of every index from {@code memoryFirst - 1} to {@code op} is known.
 */
final class ReplicaLog {
    private final List<Entry> memory = new ArrayList<>();
    /** The index of memory.get(0), or op + 1 when memory is empty. */
    private long memoryFirst;
    /** The hash of entry memoryFirst − 1 (what the first entry in memory links to). */
    private Hash baseHash;
    private long op;
    private long durableOp;
    private long lastView;
    private long lastTimestamp;

    /** A log ending at {@code op} (hash {@code opHash}), all durable, with {@code recent} entries in memory. */
    ReplicaLog(long op, Hash opHash, long lastView, long lastTimestamp, List<Entry> recent) {
        this.op = op;
        this.durableOp = op;
        this.lastView = lastView;
        this.lastTimestamp = lastTimestamp;
        if (recent.isEmpty()) {
            memoryFirst = op + 1;
            baseHash = opHash;
        } else {
            memoryFirst = recent.getFirst().index();
            baseHash = recent.getFirst().previousHash();
            memory.addAll(recent);
            Invariants.check(recent.getLast().index() == op && recent.getLast().hash().equals(opHash),
                    "recent entries end at %s, the log at %s", recent.getLast().index(), op);
        }
    }

    long op() {
        return op;
    }

    long durableOp() {
        return durableOp;
    }

    long lastView() {
        return lastView;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    Hash opHash() {
        return hashAt(op);
    }

    /** The lowest index whose entry is in memory (op + 1 when none is). */
    long memoryFirst() {
        return memoryFirst;
    }

    /** The hash of entry {@code index}, or null if neither memory nor the link below memory knows it. */
    Hash hashAt(long index) {
        if (index == memoryFirst - 1) {
            return baseHash;
        }
        Entry entry = entry(index);
        return entry == null ? null : entry.hash();
    }

    /** The entry at {@code index} if it is in memory, else null. */
    Entry entry(long index) {
        if (index < memoryFirst || index > op) {
            return null;
        }
        return memory.get((int) (index - memoryFirst));
    }

    /** Entries {@code first..last} from memory, stopping at {@code maxBytes} of payload (at least one). */
    List<Entry> entries(long first, long last, int maxBytes) {
        List<Entry> found = new ArrayList<>();
        int bytes = 0;
        for (long index = Math.max(first, memoryFirst); index <= Math.min(last, op); index++) {
            Entry entry = entry(index);
            if (!found.isEmpty() && bytes + entry.payload().length > maxBytes) {
                break;
            }
            found.add(entry);
            bytes += entry.payload().length;
        }
        return found;
    }

    /** Appends an entry that links to the last one (in memory; the caller persists it). */
    void append(Entry entry) {
        Invariants.check(entry.index() == op + 1, "entry %s appended after %s", entry.index(), op);
        Invariants.check(entry.previousHash().equals(hashAt(op)), "entry %s does not link to entry %s",
                entry.index(), op);
        Invariants.check(entry.view() >= lastView, "entry %s lowers the view from %s to %s", entry.index(),
                lastView, entry.view());
        memory.add(entry);
        op = entry.index();
        lastView = entry.view();
        lastTimestamp = Math.max(lastTimestamp, entry.timestamp());
    }

    /** Removes every entry after {@code index}, which must be known (in memory or its link). */
    void truncateAfter(long index) {
        Invariants.check(index >= memoryFirst - 1, "truncation after %s reaches below memory (%s)", index,
                memoryFirst);
        if (index >= op) {
            return;
        }
        memory.subList((int) (index + 1 - memoryFirst), memory.size()).clear();
        op = index;
        durableOp = Math.min(durableOp, index);
        Entry last = entry(index);
        lastView = last == null ? lastView : last.view();
    }

    /**
     * Replaces the whole log by one that ends at {@code index} with {@code hash}: the entries after
     * the replica's last trusted index are gone (recovery), and the ones up to it are not in memory.
     */
    void resetTo(long index, Hash hash) {
        memory.clear();
        memoryFirst = index + 1;
        baseHash = hash;
        op = index;
        durableOp = Math.min(durableOp, index);
    }

    /**
     * Replaces the whole log by a snapshot of it through {@code index}: nothing in memory, the
     * snapshot's entry {@code index} (hash, view, timestamp) as the last, counted durable (the
     * snapshot is, and storage performs the switch before anything written after it).
     */
    void restartAt(long index, Hash hash, long view, long timestamp) {
        memory.clear();
        memoryFirst = index + 1;
        baseHash = hash;
        op = index;
        durableOp = index;
        lastView = view;
        lastTimestamp = Math.max(lastTimestamp, timestamp);
    }

    /** The log is durable through {@code index} (a storage completion). */
    void durableThrough(long index) {
        durableOp = Math.max(durableOp, Math.min(index, op));
    }

    /** Forgets entries below {@code index} from memory (they stay in storage). */
    void forgetBelow(long index) {
        long drop = Math.min(index, op + 1) - memoryFirst;
        if (drop <= 0) {
            return;
        }
        baseHash = memory.get((int) drop - 1).hash();
        memory.subList(0, (int) drop).clear();
        memoryFirst += drop;
    }
}
