package io.chronon.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Outbox;
import io.chronon.vsr.Replica;

/**
 * Delivers the outbox's effects, on the primary only, each tagged with the view it holds.
 *
 * <p>Every pending effect is delivered, in log order for ordered sinks (the next effect of a sink
 * only after the sink took the one before). A sink's confirmation is acknowledged through consensus:
 * a {@code DONE} entry, which removes the effect from the outbox when it is applied. A failure waits
 * (exponential backoff with jitter) and tries again; after {@link EffectOptions#maxAttempts} attempts
 * a replicated {@code FAILED} entry marks the effect failed, never dropped. A new view starts from
 * nothing: its primary delivers every effect still pending, so a failover may deliver an effect a
 * second time, which an exactly-once sink recognises by its id. A failed effect holds back the later
 * effects of its ordered sink until an operator retries it.
 */
final class EffectRunner {
    private final Node node;
    private final EffectOptions options;
    private final SplittableRandom random;
    private long view = -1;
    private long ticks;
    private final Set<EffectId> running = new HashSet<>();
    /** Taken by its sink in this view: awaiting the DONE entry's application. */
    private final Set<EffectId> delivered = new HashSet<>();
    /** Given up on in this view: awaiting the FAILED entry's application; it holds back its sink. */
    private final Set<EffectId> givenUp = new HashSet<>();
    private final Map<EffectId, Integer> attempts = new HashMap<>();
    private final Map<EffectId, String> lastErrors = new HashMap<>();
    private final Map<EffectId, Long> retryAt = new HashMap<>();

    EffectRunner(Node node, EffectOptions options, long seed) {
        this.node = node;
        this.options = options;
        this.random = new SplittableRandom(seed);
    }

    void tick() {
        ticks++;
        schedule();
    }

    /** Starts every delivery that may start now. */
    void schedule() {
        Replica replica = node.replica();
        if (replica.status() != Replica.Status.NORMAL || !replica.isPrimary()) {
            forget(-1);
            return;
        }
        if (!replica.viewDurable()) {
            // Deliver only under a view durably ours: the driver's fence checks the manifest.
            return;
        }
        if (replica.view() != view) {
            forget(replica.view());
        }
        List<Outbox.Pending> pending = node.executor().outbox().all();
        Set<EffectId> present = new HashSet<>();
        Set<String> blocked = new HashSet<>();
        for (Outbox.Pending effect : pending) {
            EffectId id = effect.id();
            present.add(id);
            boolean ordered = !options.unorderedSinks().contains(effect.sink());
            if (delivered.contains(id)) {
                continue;
            }
            if (effect.status() == Outbox.Status.FAILED) {
                // The FAILED entry is applied: an operator's RETRY starts the count again.
                givenUp.remove(id);
                attempts.remove(id);
                lastErrors.remove(id);
                retryAt.remove(id);
            }
            boolean waiting = effect.status() == Outbox.Status.FAILED || running.contains(id) || givenUp.contains(id)
                    || retryAt.getOrDefault(id, 0L) > ticks;
            if (waiting || blocked.contains(effect.sink())) {
                if (ordered) {
                    blocked.add(effect.sink());
                }
                continue;
            }
            running.add(id);
            if (ordered) {
                blocked.add(effect.sink());
            }
            node.execute(id, effect.index(), effect.ordinal(), view, effect.sink(), effect.payload());
        }
        delivered.retainAll(present);
        givenUp.retainAll(present);
        attempts.keySet().retainAll(present);
        lastErrors.keySet().retainAll(present);
        retryAt.keySet().retainAll(present);
    }

    private void forget(long newView) {
        view = newView;
        running.clear();
        delivered.clear();
        givenUp.clear();
        attempts.clear();
        lastErrors.clear();
        retryAt.clear();
    }

    void delivered(EffectId id, long deliveredView, EffectSink.Receipt receipt) {
        if (deliveredView != view || !running.remove(id)) {
            return;
        }
        delivered.add(id);
        node.proposeInternal(Envelope.effectDone(id, receipt == EffectSink.Receipt.DUPLICATE_SUPPRESSED));
        schedule();
    }

    void failed(EffectId id, long failedView, String error) {
        if (failedView != view || !running.remove(id)) {
            return;
        }
        int failures = attempts.merge(id, 1, Integer::sum);
        lastErrors.put(id, error);
        if (failures >= options.maxAttempts()) {
            givenUp.add(id);
            node.proposeInternal(Envelope.effectFailed(id, failures, error));
        } else {
            long backoff = Math.min(options.maxBackoffTicks(), (long) options.backoffTicks() << Math.min(failures - 1, 30));
            retryAt.put(id, ticks + backoff + random.nextLong(backoff / 2 + 1));
        }
        schedule();
    }

    /**
     * The replicated outbox as this replica sees it: a pending effect also shows the failed attempts
     * and last error of this primary's deliveries in its view (they are replicated only when the
     * effect is given up as FAILED).
     */
    List<Outbox.Pending> observed(List<Outbox.Pending> replicated) {
        List<Outbox.Pending> seen = new ArrayList<>(replicated.size());
        for (Outbox.Pending effect : replicated) {
            Integer failures = attempts.get(effect.id());
            seen.add(effect.status() == Outbox.Status.PENDING && failures != null
                    ? new Outbox.Pending(effect.id(), effect.index(), effect.ordinal(), effect.sink(), effect.payload(),
                            effect.status(), failures, lastErrors.get(effect.id()))
                    : effect);
        }
        return seen;
    }
}
