package io.chronon.vsr;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recovery protocol of VR Revisited, for a replica that may have lost entries it acknowledged
 * (its storage reported damage, or its disk was replaced). Until it completes, the replica neither
 * votes nor acknowledges, so it cannot help choose a log it no longer holds.
 *
 * <p>It asks every replica for its state with a fresh nonce, waits for answers carrying that nonce
 * from a quorum of other replicas, one of them the primary of the highest view among them, then
 * brings its log to that primary's through {@link Catchup} and joins the view as a backup. A replica
 * whose log verified intact does not need this: it rejoins directly, which is why a whole cluster
 * restarting at once always comes back.
 */
final class RecoveryProtocol {
    private final Replica r;
    private long nonce;
    private final Map<Integer, Message.RecoveryResponse> answers = new TreeMap<>();
    private long retryAt;
    private boolean joining;

    RecoveryProtocol(Replica replica) {
        this.r = replica;
    }

    void start() {
        r.status = Replica.Status.RECOVERING;
        // Recorded first: a crash before the recovery completes must not let the replica forget it.
        r.saveState();
        ask();
    }

    private void ask() {
        nonce = r.random.nextLong();
        answers.clear();
        joining = false;
        retryAt = r.ticks + r.config.requestTicks();
        r.broadcast(new Message.Recovery(r.config.cluster(), r.self, r.view, nonce));
    }

    /**
     * Asks again when no answer came, or when the catch-up to the primary's log stopped moving (the
     * primary changed, or compacted past what was asked for and moved to another view).
     */
    void onTick() {
        if (r.ticks >= retryAt && (!r.catchup.active() || r.catchup.stalledFor(r.config.viewChangeTicksMin() * 4L))) {
            r.catchup.cancel();
            ask();
        }
    }

    /** Only a replica in normal status answers: its view and log are settled. */
    void onRecovery(Message.Recovery ask) {
        if (r.status != Replica.Status.NORMAL) {
            return;
        }
        r.send(ask.from(), new Message.RecoveryResponse(r.config.cluster(), r.self, r.view, ask.nonce(), r.log.op(),
                r.log.opHash(), r.commit, r.isPrimary()));
    }

    void onRecoveryResponse(Message.RecoveryResponse answer) {
        if (r.status != Replica.Status.RECOVERING || answer.nonce() != nonce || joining) {
            return;
        }
        answers.put(answer.from(), answer);
        if (answers.size() < r.config.quorum()) {
            return;
        }
        long view = answers.values().stream().mapToLong(Message.RecoveryResponse::view).max().orElseThrow();
        Message.RecoveryResponse primary = answers.get(r.config.primaryOf(view));
        if (primary == null || primary.view() != view || !primary.primary()) {
            return;
        }
        joining = true;
        r.view = Math.max(r.view, view);
        r.catchup.adopt(view, primary.from(), primary.op(), primary.opHash(), List.of(),
                () -> finish(view, primary.commit()));
        retryAt = r.ticks + r.config.viewChangeTicksMin() * 4L;
    }

    private void finish(long view, long commit) {
        if (r.status != Replica.Status.RECOVERING) {
            return;
        }
        r.enterNormalAsBackup(view, commit);
    }
}
