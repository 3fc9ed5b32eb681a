package io.chronon.quarkus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.Executor;

/**
 * The effects this replica most recently saw acknowledged, newest first, for the outbox API: an
 * effect leaves the replicated outbox when its {@code DONE} entry applies, and this keeps what an
 * operator wants to see afterwards (where it went, whether the sink found it already delivered).
 * Bounded and in memory; after a restart it fills again from the entries replayed and applied.
 */
public final class AcknowledgedEffects {
    /** One acknowledged effect; {@code acknowledgedAt} is the log index of its {@code DONE} entry. */
    public record Acknowledged(EffectId id, long index, String sink, long acknowledgedAt, boolean duplicateSuppressed) {}

    /** How many a replica keeps. */
    public static final int KEPT = 1_000;

    private final int capacity;
    private final ArrayDeque<Acknowledged> recent = new ArrayDeque<>();

    public AcknowledgedEffects(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /** Sees every applied entry, on the loop thread. */
    synchronized void applied(Executor.Result result) {
        if (result.acknowledged() == null) {
            return;
        }
        var effect = result.acknowledged().effect();
        recent.addFirst(new Acknowledged(effect.id(), effect.index(), effect.sink(), result.index(),
                result.acknowledged().duplicateSuppressed()));
        if (recent.size() > capacity) {
            recent.removeLast();
        }
    }

    /** At most {@code limit} of them, newest first. */
    public synchronized List<Acknowledged> newest(int limit) {
        List<Acknowledged> newest = new ArrayList<>(Math.min(limit, recent.size()));
        Iterator<Acknowledged> all = recent.iterator();
        while (all.hasNext() && newest.size() < limit) {
            newest.add(all.next());
        }
        return newest;
    }
}
