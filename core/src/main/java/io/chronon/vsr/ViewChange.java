package io.chronon.vsr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;

/**
 * The view change of VR Revisited, with three refinements:
 * <ul>
 *   <li><b>Votes before commitment.</b> A replica that suspects the primary sends StartViewChange for
 *       the next view but stays in normal status; only when a quorum has voted for that view do the
 *       voters enter it (durably recording the view). A replica that still hears the primary does not
 *       vote, so one flaky replica cannot force an election, nor strand itself in a view nobody else
 *       enters.</li>
 *   <li><b>Escalation.</b> A view change that does not complete within a randomised timeout moves on to
 *       the next view, so a dead next primary never stalls the cluster.</li>
 *   <li><b>The log by its hash chain.</b> DoViewChange and StartView carry a log's end (op and hash)
 *       and its uncommitted entries; a replica brings its own log to the chosen one through
 *       {@link Catchup}, truncating only entries that are not in it.</li>
 * </ul>
 * The new primary takes the log with the highest last normal view, then the highest op; commit is
 * the highest commit number reported. A replica durably records the view before it sends
 * DoViewChange and its last normal view before it acknowledges anything in a view.
 */
final class ViewChange {
    private final Replica r;
    /** The highest view this replica has seen votes for, and who voted for it. */
    private long votedView = -1;
    private final TreeSet<Integer> voters = new TreeSet<>();
    private final Map<Integer, Message.DoViewChange> doViewChanges = new TreeMap<>();
    private Message.DoViewChange ownDoViewChange;
    private boolean deciding;
    private long deadline;
    private long resendAt;

    ViewChange(Replica replica) {
        this.r = replica;
    }

    // ---------------------------------------------------------------- votes

    /**
     * A backup has not heard from the primary in an election timeout. It votes for the highest view
     * anyone has voted for (at least the next one): a lower vote would never meet the others'.
     */
    void suspectPrimary() {
        vote(Math.max(r.view + 1, votedView));
    }

    /** The primary's own disk is stalled: it stops leading at once and lets the others elect. */
    void stepDown() {
        vote(r.view + 1);
        enter(r.view + 1);
    }

    /** The primary was heard again: this replica no longer supports replacing it. */
    void withdrawVote() {
        if (r.status == Replica.Status.NORMAL && votedView > r.view) {
            voters.remove(r.self);
        }
    }

    private void vote(long view) {
        if (view > votedView) {
            votedView = view;
            voters.clear();
        }
        if (view == votedView) {
            voters.add(r.self);
            r.broadcast(new Message.StartViewChange(r.config.cluster(), r.self, view, false));
            countVotes();
        }
    }

    void onStartViewChange(Message.StartViewChange svc) {
        if (svc.view() < r.view || r.status == Replica.Status.RECOVERING) {
            return;
        }
        boolean superseded = r.status == Replica.Status.NORMAL && r.isPrimary() && svc.view() > r.view + 1;
        if ((svc.entered() || superseded) && svc.view() > r.view && mayEnterHigherView()) {
            // A quorum voted for that view (its sender entered it): follow, or the sender is stranded
            // above a cluster that carries on below it. A primary steps down into it; also when the
            // vote shows its sender is already in a later view than the primary's own: the primary
            // leads a view the others left.
            vote(svc.view());
            enter(svc.view());
            return;
        }
        if (svc.view() > votedView) {
            votedView = svc.view();
            voters.clear();
        }
        if (svc.view() == votedView) {
            voters.add(svc.from());
        }
        if (supportsNewView() && svc.view() == votedView && svc.view() > r.view && !voters.contains(r.self)) {
            vote(svc.view());
            return;
        }
        if (r.status == Replica.Status.VIEW_CHANGE && svc.view() == r.view) {
            resendDoViewChange();
        }
        countVotes();
    }

    /**
     * Whether this replica may help start a new view: it is in a view change already, or it is a
     * backup that has not heard its primary for an election timeout. A backup that heard its primary
     * recently must not, by any path: the primary's read lease counts on it.
     */
    private boolean supportsNewView() {
        return r.status == Replica.Status.VIEW_CHANGE
                || r.status == Replica.Status.NORMAL && !r.isPrimary() && !r.normal.primaryRecentlyHeard();
    }

    /** A primary may always give up its view (and its lease) for a higher one. */
    private boolean mayEnterHigherView() {
        return supportsNewView() || r.status == Replica.Status.NORMAL && r.isPrimary();
    }

    private void countVotes() {
        if (votedView > r.view && voters.contains(r.self) && voters.size() >= r.config.quorum()) {
            enter(votedView);
        }
    }

    /** Enters view-change status in {@code view}: stop the old view, record the view durably. */
    private void enter(long view) {
        if (r.status == Replica.Status.NORMAL) {
            r.normal.stepDown();
        }
        r.catchup.cancel();
        r.view = view;
        r.status = Replica.Status.VIEW_CHANGE;
        doViewChanges.clear();
        ownDoViewChange = null;
        deciding = false;
        deadline = r.deadline(r.config.viewChangeTicksMin());
        resendAt = r.ticks + r.config.heartbeatTicks();
        r.saveState();
        sendDoViewChange();
    }

    /** A restart found the replica in a view change it voted for: carry on with it. */
    void resume() {
        votedView = r.view;
        voters.add(r.self);
        doViewChanges.clear();
        deadline = r.deadline(r.config.viewChangeTicksMin());
        resendAt = r.ticks;
        sendDoViewChange();
    }

    // ---------------------------------------------------------------- do-view-change

    private void sendDoViewChange() {
        if (r.status != Replica.Status.VIEW_CHANGE || ownDoViewChange != null || r.savedView < r.view
                || r.catchup.active()) {
            return;
        }
        ownDoViewChange = new Message.DoViewChange(r.config.cluster(), r.self, r.view, r.lastNormalView, r.log.op(),
                r.log.opHash(), r.commit, uncommittedTail(r.commit));
        if (r.isPrimary()) {
            onDoViewChange(ownDoViewChange);
        } else {
            r.send(r.config.primaryOf(r.view), ownDoViewChange);
        }
    }

    private void resendDoViewChange() {
        if (ownDoViewChange != null && !r.isPrimary()) {
            r.send(r.config.primaryOf(r.view), ownDoViewChange);
        }
    }

    /** The entries after {@code commit}, as many of the most recent as fit one message. */
    private List<Entry> uncommittedTail(long commit) {
        List<Entry> tail = new ArrayList<>();
        int bytes = 0;
        for (long index = r.log.op(); index > commit; index--) {
            Entry entry = r.log.entry(index);
            if (entry == null || !tail.isEmpty() && bytes + entry.payload().length > r.config.messageMaxBytes()) {
                break;
            }
            tail.addFirst(entry);
            bytes += entry.payload().length;
        }
        return tail;
    }

    void onDoViewChange(Message.DoViewChange dvc) {
        if (dvc.view() < r.view || r.config.primaryOf(dvc.view()) != r.self
                || r.status == Replica.Status.RECOVERING) {
            return;
        }
        if (dvc.view() > r.view) {
            if (!mayEnterHigherView()) {
                // Our primary is alive and may hold a lease: the sender will ask again.
                return;
            }
            // Its sender saw a quorum vote for this view, so entering it is safe.
            votedView = dvc.view();
            voters.clear();
            voters.add(r.self);
            enter(dvc.view());
        }
        if (r.status == Replica.Status.NORMAL) {
            // A late do-view-change: the view already started; the sender missed its start.
            r.send(dvc.from(), startView());
            return;
        }
        doViewChanges.put(dvc.from(), dvc);
        decide();
    }

    private void decide() {
        if (deciding || ownDoViewChange == null || doViewChanges.size() < r.config.quorum()) {
            return;
        }
        Message.DoViewChange best = null;
        long commit = Message.NO_COMMIT;
        for (Message.DoViewChange dvc : doViewChanges.values()) {
            commit = Math.max(commit, dvc.commit());
            if (best == null || dvc.lastNormalView() > best.lastNormalView()
                    || dvc.lastNormalView() == best.lastNormalView() && dvc.op() > best.op()) {
                best = dvc;
            }
        }
        deciding = true;
        long view = r.view;
        long newCommit = commit;
        if (best.from() == r.self || best.op() == r.log.op() && best.opHash().equals(r.log.opHash())) {
            startAsPrimary(view, newCommit);
        } else {
            r.catchup.adopt(view, best.from(), best.op(), best.opHash(), best.suffix(),
                    () -> startAsPrimary(view, newCommit));
        }
    }

    private void startAsPrimary(long view, long commit) {
        if (r.view != view || r.status != Replica.Status.VIEW_CHANGE) {
            return;
        }
        r.status = Replica.Status.NORMAL;
        r.lastNormalView = view;
        r.saveState();
        r.primaryCommit = commit;
        r.advanceCommit(commit);
        r.normal.becomePrimary();
    }

    Message.StartView startView() {
        return new Message.StartView(r.config.cluster(), r.self, r.view, r.log.op(), r.log.opHash(), r.commit,
                r.log.entries(r.commit + 1, r.log.op(), Integer.MAX_VALUE));
    }

    // ---------------------------------------------------------------- joining a started view

    void onStartView(Message.StartView startView) {
        joinView(startView.view(), startView.from(), startView.op(), startView.opHash(), startView.commit(),
                startView.suffix());
    }

    /**
     * The primary of {@code view} told us its log (a start-view, or a prepare or heartbeat of a view
     * we are not normal in): bring our log to it, then be its backup.
     */
    void joinView(long view, int primary, long op, Hash opHash, long commit, List<Entry> suffix) {
        if (view < r.view || r.status == Replica.Status.RECOVERING || r.config.primaryOf(view) != primary) {
            return;
        }
        if (view == r.view && r.status == Replica.Status.NORMAL) {
            return;
        }
        if (r.catchup.headingTo(view, op, opHash)) {
            return;
        }
        if (op < r.commit) {
            // A message from before what this replica already knows committed (a snapshot installed
            // from the primary got here first): a newer one will follow.
            return;
        }
        if (r.status == Replica.Status.NORMAL) {
            r.normal.stepDown();
        }
        r.view = view;
        r.status = Replica.Status.VIEW_CHANGE;
        votedView = Math.max(votedView, view);
        deadline = r.deadline(r.config.viewChangeTicksMin());
        r.catchup.adopt(view, primary, op, opHash, suffix, () -> startAsBackup(view, commit));
    }

    private void startAsBackup(long view, long commit) {
        if (r.view != view || r.status != Replica.Status.VIEW_CHANGE) {
            return;
        }
        r.enterNormalAsBackup(view, commit);
    }

    // ---------------------------------------------------------------- time and storage

    void onTick() {
        if (r.ticks >= resendAt) {
            resendAt = r.ticks + r.config.heartbeatTicks();
            r.broadcast(new Message.StartViewChange(r.config.cluster(), r.self, r.view, true));
            resendDoViewChange();
        }
        if (r.ticks >= deadline) {
            // This view change is stuck (its primary may be dead): move on to the next view, or to
            // the highest one voted for.
            deadline = r.deadline(r.config.viewChangeTicksMin());
            vote(Math.max(r.view + 1, votedView));
        }
    }

    void onStateSaved() {
        sendDoViewChange();
    }
}
