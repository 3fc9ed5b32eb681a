package io.chronon.vsr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Invariants;

/**
 * Normal operation: the primary batches client requests into prepares, pipelines them, and commits
 * the prefix a quorum has made durable; backups append, persist and acknowledge; heartbeats keep the
 * backups' election timers quiet and carry read rounds.
 *
 * <p>Group commit falls out of the disk: the primary has one write in flight at a time, and every
 * request that arrives meanwhile goes into the next prepare. Heartbeats never wait for the disk.
 */
final class NormalOperation {
    private record RequestKey(UUID client, long requestNumber) {}

    private record PendingRead(long readId, long round) {}

    private final Replica r;
    private final ArrayDeque<Replica.Request> queue = new ArrayDeque<>();
    /** Uncommitted entries of this view by client request, so a retry in flight is not appended twice. */
    private final Map<RequestKey, Long> inFlight = new HashMap<>();
    /** The op each replica acknowledged in this view (primary only). */
    private final long[] acked;
    /** The last heartbeat round each replica answered in this view (primary only). */
    private final long[] roundAcked;
    private final List<PendingRead> reads = new ArrayList<>();
    /** The op of the last persist this primary issued, and when: a write outstanding too long means a stalled disk. */
    private long persistedUpTo = -1;
    private long persistIssuedAt;
    private long nextHeartbeat;
    private long electionDeadline;
    /** Every heartbeat is a round that backups answer: the last one sent, and the last a quorum answered. */
    private long round;
    private long confirmedRound;
    /** When each recent round was sent, as {round, tick}, oldest first. */
    private final ArrayDeque<long[]> roundsSent = new ArrayDeque<>();
    /** Lease reads are safe before this tick (primary only). */
    private long leaseUntil = -1;
    /** The op when this replica became primary: reads wait until it is committed. */
    private long viewStartOp;
    private boolean startViewPending;

    NormalOperation(Replica replica) {
        this.r = replica;
        this.acked = new long[replica.config.replicaCount()];
        this.roundAcked = new long[replica.config.replicaCount()];
        this.electionDeadline = replica.deadline(replica.config.electionTicksMin());
    }

    // ---------------------------------------------------------------- becoming primary or backup

    /** This replica is the primary of its view and in normal status: start serving. */
    void becomePrimary() {
        Invariants.check(r.isPrimary() && r.status == Replica.Status.NORMAL, "replica %s is not a normal primary",
                r.self);
        Arrays.fill(acked, -1);
        Arrays.fill(roundAcked, 0);
        round = 0;
        confirmedRound = 0;
        roundsSent.clear();
        leaseUntil = -1;
        viewStartOp = r.log.op();
        persistedUpTo = r.log.op();
        inFlight.clear();
        for (long index = r.commit + 1; index <= r.log.op(); index++) {
            Entry entry = r.log.entry(index);
            if (!entry.client().equals(Entry.NO_CLIENT)) {
                inFlight.put(new RequestKey(entry.client(), entry.requestNumber()), index);
            }
        }
        startViewPending = true;
        announceView();
    }

    /** Sends the start of the view once the last normal view is durable. */
    private void announceView() {
        if (!startViewPending || r.savedLastNormalView < r.view) {
            return;
        }
        startViewPending = false;
        List<Entry> suffix = r.log.entries(r.commit + 1, r.log.op(), Integer.MAX_VALUE);
        r.broadcast(new Message.StartView(r.config.cluster(), r.self, r.view, r.log.op(), r.log.opHash(), r.commit,
                suffix));
        nextHeartbeat = r.ticks + r.config.heartbeatTicks();
        // Where this primary's durable log alone is a quorum (one replica), what it inherited commits now:
        // no acknowledgement will come to trigger it.
        commitFromAcks();
        flush();
    }

    /** This replica left normal status or primaryship: refuse what waits, forget the pipeline. */
    void stepDown() {
        for (Replica.Request request : queue) {
            r.outputs.add(new Output.Refused(request.requestId(), Output.Refusal.VIEW_CHANGE, -1));
        }
        queue.clear();
        for (PendingRead read : reads) {
            r.outputs.add(new Output.ReadRefused(read.readId(), Output.Refusal.VIEW_CHANGE, -1));
        }
        reads.clear();
        inFlight.clear();
        startViewPending = false;
        leaseUntil = -1;
    }

    /** Restarts the election timer: the primary was just heard from. */
    void primaryHeard() {
        r.primaryHeardAt = r.ticks;
        electionDeadline = r.deadline(r.config.electionTicksMin());
        r.viewChange.withdrawVote();
    }

    boolean primaryRecentlyHeard() {
        return r.ticks - r.primaryHeardAt < r.config.electionTicksMin();
    }

    // ---------------------------------------------------------------- primary: requests and prepares

    void onRequest(Replica.Request request) {
        if (r.status != Replica.Status.NORMAL || !r.isPrimary()) {
            refuse(request.requestId());
            return;
        }
        Long index = request.client().equals(Entry.NO_CLIENT) ? null
                : inFlight.get(new RequestKey(request.client(), request.requestNumber()));
        if (index != null) {
            // A retry of a request already in the log: answer it with that entry, never append twice.
            r.outputs.add(new Output.Proposed(request.requestId(), index));
            return;
        }
        if (queue.size() >= r.config.queueMax()) {
            r.outputs.add(new Output.Refused(request.requestId(), Output.Refusal.OVERLOADED, r.self));
            return;
        }
        queue.add(request);
        flush();
    }

    private void refuse(long requestId) {
        Output.Refusal refusal = switch (r.status) {
            case NORMAL -> Output.Refusal.NOT_PRIMARY;
            case VIEW_CHANGE -> Output.Refusal.VIEW_CHANGE;
            case RECOVERING -> Output.Refusal.RECOVERING;
        };
        r.outputs.add(new Output.Refused(requestId, refusal, r.primaryHint()));
    }

    /**
     * Turns queued requests into the next prepare if the primary's previous write is done and the
     * pipeline has room: one batch per disk write, so batches grow with load.
     */
    private void flush() {
        if (queue.isEmpty() || r.status != Replica.Status.NORMAL || !r.isPrimary() || startViewPending
                || r.savedLastNormalView < r.view || r.log.durableOp() < persistedUpTo) {
            return;
        }
        List<Entry> batch = new ArrayList<>();
        int bytes = 0;
        long room = r.config.pipelineMax() - (r.log.op() - r.commit);
        while (!queue.isEmpty() && batch.size() < Math.min(room, r.config.batchMaxEntries())
                && (batch.isEmpty() || bytes + queue.peek().payload().length <= r.config.batchMaxBytes())) {
            Replica.Request request = queue.poll();
            // The kernel's own entries have no client: never deduplicated here.
            RequestKey key = request.client().equals(Entry.NO_CLIENT) ? null
                    : new RequestKey(request.client(), request.requestNumber());
            Long placed = key == null ? null : inFlight.get(key);
            if (placed != null) {
                r.outputs.add(new Output.Proposed(request.requestId(), placed));
                continue;
            }
            // A retry queued twice is placed once; the second copy finds the first in inFlight.
            long index = r.log.op() + batch.size() + 1;
            Entry previous = batch.isEmpty() ? null : batch.getLast();
            long lastTimestamp = previous == null ? r.log.lastTimestamp() : previous.timestamp();
            // Consensus time never goes backwards, across views too: the log's last timestamp bounds it.
            long timestamp = Math.max(r.clock.getAsLong(), lastTimestamp + 1);
            Entry entry = Entry.create(index, r.view, timestamp, request.client(), request.requestNumber(),
                    request.payload(), previous == null ? r.log.opHash() : previous.hash());
            batch.add(entry);
            bytes += entry.payload().length;
            if (key != null) {
                inFlight.put(key, index);
            }
            r.outputs.add(new Output.Proposed(request.requestId(), index));
        }
        if (batch.isEmpty()) {
            return;
        }
        r.persist(batch);
        persistedUpTo = r.log.op();
        persistIssuedAt = r.ticks;
        r.broadcast(new Message.Prepare(r.config.cluster(), r.self, r.view, r.commit, batch));
    }

    void onPrepareOk(Message.PrepareOk ok) {
        if (ok.view() != r.view || r.status != Replica.Status.NORMAL || !r.isPrimary()) {
            return;
        }
        acked[ok.from()] = Math.max(acked[ok.from()], Math.min(ok.op(), r.log.op()));
        commitFromAcks();
    }

    /** The commit number is the highest op a quorum (this primary's durable log included) holds. */
    private void commitFromAcks() {
        long own = r.config.has(InjectedBug.ACKNOWLEDGE_BEFORE_BARRIER) ? r.log.op() : r.log.durableOp();
        long[] ops = acked.clone();
        ops[r.self] = own;
        Arrays.sort(ops);
        long quorumOp = r.config.has(InjectedBug.COMMIT_WITHOUT_QUORUM) ? own : ops[ops.length - r.config.quorum()];
        long before = r.commit;
        r.advanceCommit(quorumOp);
        if (r.commit > before) {
            for (long index = before + 1; index <= r.commit; index++) {
                Entry entry = r.log.entry(index);
                if (entry != null) {
                    inFlight.remove(new RequestKey(entry.client(), entry.requestNumber()));
                }
            }
            serveReads();
            flush();
        }
    }

    // ---------------------------------------------------------------- backup: prepares and commits

    void onPrepare(Message.Prepare prepare) {
        if (prepare.view() < r.view || r.status == Replica.Status.RECOVERING) {
            return;
        }
        Entry last = prepare.entries().getLast();
        if (prepare.view() > r.view || r.status != Replica.Status.NORMAL) {
            // We missed the start of this view: bring our log to the primary's and join it.
            r.viewChange.joinView(prepare.view(), prepare.from(), last.index(), last.hash(), prepare.commit(),
                    prepare.entries());
            return;
        }
        Invariants.check(!r.isPrimary(), "replica %s is primary of view %s and got a prepare from %s", r.self, r.view,
                prepare.from());
        primaryHeard();
        r.primaryCommit = Math.max(r.primaryCommit, prepare.commit());
        appendFromPrimary(prepare.entries());
        r.advanceCommit(r.primaryCommit);
    }

    /** Appends what links to our log, ignores what we have, and catches up over a gap. */
    void appendFromPrimary(List<Entry> entries) {
        List<Entry> fresh = new ArrayList<>();
        long op = r.log.op();
        for (Entry entry : entries) {
            if (entry.index() <= op) {
                Invariants.check(r.log.hashAt(entry.index()) == null || r.log.hashAt(entry.index()).equals(entry.hash()),
                        "replica %s holds another entry %s than the primary of its view %s", r.self, entry.index(),
                        r.view);
                continue;
            }
            boolean links = entry.index() == op + 1
                    && entry.previousHash().equals(fresh.isEmpty() ? r.log.opHash() : fresh.getLast().hash());
            if (!links) {
                Entry target = entries.getLast();
                r.persist(fresh);
                r.catchup.follow(r.config.primaryOf(r.view), target.index(), target.hash());
                return;
            }
            fresh.add(entry);
            op = entry.index();
        }
        r.persist(fresh);
        if (r.config.has(InjectedBug.ACKNOWLEDGE_BEFORE_BARRIER) && !fresh.isEmpty()) {
            r.send(r.config.primaryOf(r.view), new Message.PrepareOk(r.config.cluster(), r.self, r.view, r.log.op()));
        }
    }

    void onHeartbeat(Message.Heartbeat heartbeat) {
        if (heartbeat.view() < r.view || r.status == Replica.Status.RECOVERING) {
            return;
        }
        if (heartbeat.view() > r.view || r.status != Replica.Status.NORMAL) {
            r.viewChange.joinView(heartbeat.view(), heartbeat.from(), heartbeat.op(), heartbeat.opHash(),
                    heartbeat.commit(), List.of());
            return;
        }
        if (r.isPrimary()) {
            return;
        }
        primaryHeard();
        r.primaryCommit = Math.max(r.primaryCommit, heartbeat.commit());
        if (heartbeat.op() > r.log.op()) {
            r.catchup.follow(heartbeat.from(), heartbeat.op(), heartbeat.opHash());
        }
        r.advanceCommit(r.primaryCommit);
        if (heartbeat.round() > 0) {
            long op = r.savedLastNormalView < r.view ? -1 : r.log.durableOp();
            r.send(heartbeat.from(), new Message.HeartbeatOk(r.config.cluster(), r.self, r.view, heartbeat.round(), op));
        }
    }

    /** Our log grew durable: acknowledge (backup) or count ourselves (primary). */
    void onPersisted() {
        if (r.status != Replica.Status.NORMAL) {
            return;
        }
        if (r.isPrimary()) {
            commitFromAcks();
            flush();
        } else {
            acknowledge();
            r.advanceCommit(r.primaryCommit);
        }
    }

    void onStateSaved() {
        if (r.status != Replica.Status.NORMAL) {
            return;
        }
        if (r.isPrimary()) {
            announceView();
        } else {
            acknowledge();
        }
    }

    /** PrepareOk with our durable op, but only once our last normal view is durable. */
    void acknowledge() {
        if (r.savedLastNormalView < r.view) {
            return;
        }
        r.send(r.config.primaryOf(r.view), new Message.PrepareOk(r.config.cluster(), r.self, r.view,
                r.log.durableOp()));
    }

    // ---------------------------------------------------------------- time

    void onTick() {
        if (r.isPrimary()) {
            if (r.ticks >= nextHeartbeat && !startViewPending) {
                heartbeat();
            }
            if (r.log.durableOp() < persistedUpTo && r.ticks - persistIssuedAt > r.config.diskStallTicks()) {
                // Our own disk is stalled: a primary that cannot persist cannot commit; let another lead.
                r.viewChange.stepDown();
            }
            return;
        }
        if (r.ticks >= electionDeadline) {
            electionDeadline = r.deadline(r.config.electionTicksMin());
            r.viewChange.suspectPrimary();
        }
    }

    /** A heartbeat is also a new round: the answers confirm this primary still leads. */
    private void heartbeat() {
        round++;
        roundAcked[r.self] = round;
        roundsSent.add(new long[] {round, r.ticks});
        if (roundsSent.size() > 64) {
            roundsSent.removeFirst();
        }
        r.broadcast(new Message.Heartbeat(r.config.cluster(), r.self, r.view, r.commit, r.log.op(), r.log.opHash(),
                round));
        nextHeartbeat = r.ticks + r.config.heartbeatTicks();
    }

    // ---------------------------------------------------------------- reads

    /**
     * A linearizable read is served once the primary has confirmed, with a quorum round started
     * after the read arrived, that it still leads, and once it has committed everything it
     * inherited. A lease read is served at once while the lease from the last confirmed round holds.
     */
    void onRead(long readId, ReadConsistency consistency) {
        if (r.status != Replica.Status.NORMAL || !r.isPrimary()) {
            Output.Refusal refusal = switch (r.status) {
                case NORMAL -> Output.Refusal.NOT_PRIMARY;
                case VIEW_CHANGE -> Output.Refusal.VIEW_CHANGE;
                case RECOVERING -> Output.Refusal.RECOVERING;
            };
            r.outputs.add(new Output.ReadRefused(readId, refusal, r.primaryHint()));
            return;
        }
        if (r.config.replicaCount() == 1
                || consistency == ReadConsistency.LEASE && r.ticks < leaseUntil && r.commit >= viewStartOp) {
            reads.add(new PendingRead(readId, round));
            serveReads();
            return;
        }
        reads.add(new PendingRead(readId, round + 1));
        if (confirmedRound >= round && !startViewPending) {
            heartbeat();
        }
    }

    void onHeartbeatOk(Message.HeartbeatOk ok) {
        if (ok.view() != r.view || r.status != Replica.Status.NORMAL || !r.isPrimary() || ok.round() > round) {
            return;
        }
        roundAcked[ok.from()] = Math.max(roundAcked[ok.from()], ok.round());
        if (ok.op() > acked[ok.from()]) {
            acked[ok.from()] = Math.min(ok.op(), r.log.op());
            commitFromAcks();
        }
        long[] rounds = roundAcked.clone();
        Arrays.sort(rounds);
        long confirmed = rounds[rounds.length - r.config.quorum()];
        if (confirmed > confirmedRound) {
            confirmedRound = confirmed;
            for (long[] sent : roundsSent) {
                if (sent[0] == confirmed) {
                    // No backup of this quorum supports a new view before an election timeout after
                    // it heard this round, so no other primary can exist before then.
                    leaseUntil = Math.max(leaseUntil, sent[1] + r.config.leaseTicks());
                }
            }
        }
        serveReads();
    }

    private void serveReads() {
        if (reads.isEmpty() || r.commit < viewStartOp) {
            return;
        }
        long confirmed = r.config.replicaCount() == 1 ? round : confirmedRound;
        List<PendingRead> waiting = new ArrayList<>();
        for (PendingRead read : reads) {
            if (read.round() <= confirmed) {
                r.outputs.add(new Output.ReadReady(read.readId(), r.commit));
            } else {
                waiting.add(read);
            }
        }
        reads.clear();
        reads.addAll(waiting);
        if (!reads.isEmpty() && confirmedRound >= round && !startViewPending) {
            heartbeat();
        }
    }
}
