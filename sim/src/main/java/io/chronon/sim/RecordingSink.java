package io.chronon.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;

/**
 * A sink that records what reaches it, standing in for an external system in the simulator.
 * Exactly-once, it behaves like the PostgreSQL sink: it takes an effect id once (a second delivery is
 * a suppressed duplicate) and refuses a view lower than the highest it has seen (a deposed primary).
 * At-least-once, it takes every delivery. It counts both, for the checkers.
 */
final class RecordingSink implements EffectSink {
    private final String name;
    private final Guarantee guarantee;
    private final Map<EffectId, Integer> deliveries = new HashMap<>();
    private final Map<EffectId, Integer> applied = new HashMap<>();
    private long highestView = -1;
    private long suppressed;
    private long fenced;

    RecordingSink(String name, Guarantee guarantee) {
        this.name = name;
        this.guarantee = guarantee;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guarantee guarantee() {
        return guarantee;
    }

    @Override
    public CompletionStage<Receipt> deliver(Delivery delivery) {
        EffectId id = delivery.id();
        long view = delivery.view();
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            if (view < highestView) {
                fenced++;
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "view " + view + " is fenced: view " + highestView + " has written"));
            }
            highestView = view;
            deliveries.merge(id, 1, Integer::sum);
            if (applied.containsKey(id)) {
                suppressed++;
                return CompletableFuture.completedFuture(Receipt.DUPLICATE_SUPPRESSED);
            }
            applied.put(id, 1);
        } else {
            deliveries.merge(id, 1, Integer::sum);
            applied.merge(id, 1, Integer::sum);
        }
        return CompletableFuture.completedFuture(Receipt.DELIVERED);
    }

    /** How many times the sink took (applied) this effect. */
    int applied(EffectId id) {
        return applied.getOrDefault(id, 0);
    }

    int deliveries(EffectId id) {
        return deliveries.getOrDefault(id, 0);
    }

    long suppressedDuplicates() {
        return suppressed;
    }

    long fencedDeliveries() {
        return fenced;
    }
}
