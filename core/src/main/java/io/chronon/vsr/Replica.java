package io.chronon.vsr;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;
import io.chronon.engine.SnapshotInfo;

/**
 * A Viewstamped Replication replica as a deterministic state machine: no threads, sockets, sleeps or
 * clocks inside. The driver feeds it inputs ({@link #receive}, {@link #tick}, {@link #submit},
 * {@link #read}, {@link #storage}) and, after each, takes the {@link Output}s it produced
 * ({@link #drainOutputs}): messages to send, storage work, committed entries to apply, answers to
 * requests. The same code runs in production and in the simulator.
 *
 * <p>This class holds the replica's state and the dispatch; the protocol phases live beside it:
 * {@link NormalOperation} (prepare, acknowledge, commit, reads), {@link ViewChange}
 * (start-view-change, do-view-change, start-view), {@link Catchup} (bringing this log to a target
 * log by the hash chain) and {@link RecoveryProtocol} (the nonce recovery of a replica that may have
 * lost acknowledged entries).
 *
 * <p>Invariants, checked after every input: {@code durableOp <= op}; the commit number never passes
 * the durable log; committed entries are handed out once, in order; a replica in normal status in
 * view v has durably recorded v as its last normal view before it acknowledges anything in v.
 */
public final class Replica {
    /** The replica's protocol status. */
    public enum Status { NORMAL, VIEW_CHANGE, RECOVERING }

    /** A client command to propose: {@code requestId} is the driver's handle for the answer. */
    public record Request(long requestId, UUID client, long requestNumber, byte[] payload) {}

    final ReplicaConfig config;
    final int self;
    final LongSupplier clock;
    final SplittableRandom random;
    final List<Output> outputs = new ArrayList<>();
    final ReplicaLog log;
    final NormalOperation normal;
    final ViewChange viewChange;
    final Catchup catchup;
    final RecoveryProtocol recovery;

    Status status;
    long view;
    long lastNormalView;
    /** The view and last normal view known durable (the last {@link StorageEvent.StateSaved}). */
    long savedView;
    long savedLastNormalView;
    /** The highest index known committed here; never above the durable log. */
    long commit = Message.NO_COMMIT;
    /** The highest commit number heard from the primary of this view (may pass the durable log). */
    long primaryCommit = Message.NO_COMMIT;
    /** The highest index handed out in a {@link Output.Commit}. */
    long committedOut;
    long ticks;
    /** The tick at which this replica last heard from the primary of its view. */
    long primaryHeardAt;
    /** The newest snapshot held here (offered to replicas behind the compaction), or null. */
    SnapshotInfo snapshot;
    /** The lowest index the log in storage holds: lower entries were compacted into the snapshot. */
    long logFirst;

    /**
     * A replica starting from its durable state.
     *
     * @param state        the view, last normal view and commit index from the manifest
     * @param recentLog    the log's last index and hash, its last view and timestamp, and the most
     *                     recent entries (at least those after the manifest's commit index)
     * @param appliedIndex the highest index the driver has already applied (committed entries after
     *                     it will be handed out)
     * @param recovering   true if this replica may have lost acknowledged entries (damage, an empty
     *                     disk): it must run the recovery protocol before it votes or acknowledges;
     *                     also true if the saved state says a recovery is unfinished
     * @param clock        consensus time in nanoseconds since the Unix epoch (the primary stamps
     *                     entries with it, never going backwards)
     * @param seed         for the randomized timeouts
     */
    public Replica(ReplicaConfig config, SavedState state, RecentLog recentLog, long appliedIndex, boolean recovering,
                   LongSupplier clock, long seed) {
        recovering |= state.recovering();
        this.config = config;
        this.self = config.replicaId();
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.log = new ReplicaLog(recentLog.op(), recentLog.opHash(), recentLog.lastView(), recentLog.lastTimestamp(),
                recentLog.entries());
        this.view = state.view();
        this.lastNormalView = state.lastNormalView();
        this.savedView = state.view();
        this.savedLastNormalView = state.lastNormalView();
        this.committedOut = appliedIndex;
        this.commit = Math.min(Math.max(state.commit(), appliedIndex), log.op());
        this.normal = new NormalOperation(this);
        this.viewChange = new ViewChange(this);
        this.catchup = new Catchup(this);
        this.recovery = new RecoveryProtocol(this);
        Invariants.check(appliedIndex <= log.op(), "applied %s beyond the log's end %s", appliedIndex, log.op());
        if (recovering) {
            status = Status.RECOVERING;
            recovery.start();
        } else if (view == lastNormalView && !isPrimary()) {
            // A restart with an intact log: rejoin, as a backup, the view we were last normal in.
            status = Status.NORMAL;
            primaryHeardAt = 0;
        } else if (view == lastNormalView) {
            // A primary must not lead its old view again after a restart: it may have sent entries it
            // never made durable, and would propose different ones at the same indices. Let another
            // replica lead the next view.
            status = Status.NORMAL;
            viewChange.stepDown();
        } else {
            // We had voted for a view change that we never saw finish: carry on with it.
            status = Status.VIEW_CHANGE;
            viewChange.resume();
        }
        emitCommitted();
    }

    /** The durable state a replica starts from; {@code recovering}: a recovery is unfinished. */
    public record SavedState(long view, long lastNormalView, long commit, boolean recovering) {}

    /** What a replica needs to know of its own log to start. */
    public record RecentLog(long op, Hash opHash, long lastView, long lastTimestamp, List<Entry> entries) {
        public RecentLog {
            entries = List.copyOf(entries);
        }
    }

    // ---------------------------------------------------------------- inputs

    /** A message from a peer. Messages of another cluster, from non-members or to no one are dropped. */
    public void receive(Message message) {
        if (!message.cluster().equals(config.cluster()) || message.from() < 0
                || message.from() >= config.replicaCount() || message.from() == self) {
            return;
        }
        switch (message) {
            case Message.Prepare prepare -> normal.onPrepare(prepare);
            case Message.PrepareOk ok -> normal.onPrepareOk(ok);
            case Message.Heartbeat heartbeat -> normal.onHeartbeat(heartbeat);
            case Message.HeartbeatOk ok -> normal.onHeartbeatOk(ok);
            case Message.StartViewChange svc -> viewChange.onStartViewChange(svc);
            case Message.DoViewChange dvc -> viewChange.onDoViewChange(dvc);
            case Message.StartView startView -> viewChange.onStartView(startView);
            case Message.RequestEntries request -> catchup.onRequestEntries(request);
            case Message.Entries entries -> catchup.onEntries(entries);
            case Message.Recovery ask -> recovery.onRecovery(ask);
            case Message.RecoveryResponse answer -> recovery.onRecoveryResponse(answer);
            case Message.SnapshotOffer offer -> catchup.onSnapshotOffer(offer);
            case Message.RequestSnapshotChunk request -> catchup.onRequestSnapshotChunk(request);
            case Message.SnapshotChunk chunk -> catchup.onSnapshotChunk(chunk);
            case Message.Checkpoint checkpoint -> {
                // The nodes' determinism guard: not the replica's business.
            }
        }
        afterInput();
    }

    /** One tick of time. */
    public void tick() {
        ticks++;
        switch (status) {
            case NORMAL -> normal.onTick();
            case VIEW_CHANGE -> viewChange.onTick();
            case RECOVERING -> recovery.onTick();
        }
        catchup.onTick();
        afterInput();
    }

    /** A client command to place in the log (only a primary in normal status accepts). */
    public void submit(Request request) {
        normal.onRequest(request);
        afterInput();
    }

    /** A read, answered with {@link Output.ReadReady} once it is safe to serve at the consistency asked. */
    public void read(long readId, ReadConsistency consistency) {
        normal.onRead(readId, consistency);
        afterInput();
    }

    /** A storage output completed. */
    public void storage(StorageEvent event) {
        switch (event) {
            case StorageEvent.Persisted persisted -> {
                log.durableThrough(persisted.index());
                normal.onPersisted();
                catchup.onPersisted();
            }
            case StorageEvent.Truncated truncated -> {
                // Ordering is all that matters: later persists complete after it.
            }
            case StorageEvent.StateSaved saved -> {
                savedView = Math.max(savedView, saved.view());
                savedLastNormalView = Math.max(savedLastNormalView, saved.lastNormalView());
                viewChange.onStateSaved();
                normal.onStateSaved();
            }
            case StorageEvent.Loaded loaded -> catchup.onLoaded(loaded);
            case StorageEvent.SnapshotChunkLoaded loaded -> catchup.onSnapshotChunkLoaded(loaded);
            case StorageEvent.SnapshotChunkWritten written -> catchup.onSnapshotChunkWritten(written);
            case StorageEvent.SnapshotRefused refused -> catchup.onSnapshotRefused(refused);
            case StorageEvent.SnapshotInstalled installed -> Invariants.check(commit >= installed.snapshot().index(),
                    "replica %s installed snapshot %s beyond its commit number %s", self, installed.snapshot().index(),
                    commit);
            case StorageEvent.SnapshotSaved saved -> {
                if (snapshot == null || saved.snapshot().index() >= snapshot.index()) {
                    snapshot = saved.snapshot();
                }
                logFirst = Math.max(logFirst, saved.logFirstIndex());
            }
        }
        afterInput();
    }

    /** Takes the outputs produced so far. */
    public List<Output> drainOutputs() {
        List<Output> drained = List.copyOf(outputs);
        outputs.clear();
        return drained;
    }

    // ---------------------------------------------------------------- state, for drivers and tests

    public Status status() {
        return status;
    }

    public long view() {
        return view;
    }

    public long commitIndex() {
        return commit;
    }

    public long op() {
        return log.op();
    }

    public long durableOp() {
        return log.durableOp();
    }

    public int replicaId() {
        return self;
    }

    public UUID cluster() {
        return config.cluster();
    }

    public int replicaCount() {
        return config.replicaCount();
    }

    /** The newest snapshot this replica holds, or null. */
    public SnapshotInfo snapshot() {
        return snapshot;
    }

    public boolean isPrimary() {
        return config.primaryOf(view) == self;
    }

    /** Whether this replica's view is durably its last normal view (what acting as primary needs). */
    public boolean viewDurable() {
        return savedLastNormalView == view && status == Status.NORMAL;
    }

    /** The replica this one believes is primary, or −1 during a view change or recovery. */
    public int primaryHint() {
        return status == Status.NORMAL ? config.primaryOf(view) : -1;
    }

    // ---------------------------------------------------------------- shared helpers for the phases

    /**
     * Becomes a backup in normal status in {@code view}, its log now the primary's (a view change or a
     * recovery finished adopting it): the view is durably the last normal one, the primary's commit
     * number is known, and what this log holds is acknowledged.
     */
    void enterNormalAsBackup(long view, long commit) {
        this.view = view;
        status = Status.NORMAL;
        lastNormalView = view;
        saveState();
        primaryCommit = commit;
        normal.primaryHeard();
        advanceCommit(commit);
        normal.acknowledge();
    }

    void send(int to, Message message) {
        Invariants.check(to != self, "replica %s sends to itself", self);
        outputs.add(new Output.Send(to, message));
    }

    void broadcast(Message message) {
        for (int replica = 0; replica < config.replicaCount(); replica++) {
            if (replica != self) {
                send(replica, message);
            }
        }
    }

    void saveState() {
        outputs.add(new Output.SaveState(view, lastNormalView, commit, status == Status.RECOVERING));
    }

    /** Appends entries to the in-memory log and asks storage to persist them. */
    void persist(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (Entry entry : entries) {
            log.append(entry);
        }
        outputs.add(new Output.Persist(entries));
    }

    /** Removes uncommitted entries after {@code index}, durably, and tells the driver they are gone. */
    void truncateAfter(long index) {
        if (index >= log.op()) {
            return;
        }
        Invariants.check(index >= commit, "replica %s truncates after %s below its commit number %s", self, index,
                commit);
        log.truncateAfter(index);
        if (!config.has(InjectedBug.SKIP_SUFFIX_TRUNCATION)) {
            outputs.add(new Output.Truncate(index));
        }
        outputs.add(new Output.Discarded(index));
    }

    /**
     * Continues from a received snapshot, verified and durable: its index is committed, so the log
     * up to it is replaced by the snapshot (storage replaces the log and the executor's state, in
     * order with the outputs before and after). Uncommitted entries this log held are gone.
     */
    void installSnapshot(SnapshotInfo received) {
        Invariants.check(received.index() > commit, "replica %s installs snapshot %s at or below its commit number %s",
                self, received.index(), commit);
        outputs.add(new Output.InstallSnapshot(received));
        // Requests waiting on entries this replica has not applied will not see them applied here.
        outputs.add(new Output.Discarded(committedOut));
        log.restartAt(received.index(), received.meta().chainHash(), received.meta().view(),
                received.meta().timestamp());
        commit = received.index();
        committedOut = received.index();
        logFirst = received.index() + 1;
        snapshot = received;
    }

    /** Raises the commit number (never past the durable log) and hands out what became committed. */
    void advanceCommit(long candidate) {
        long next = Math.min(candidate, config.has(InjectedBug.ACKNOWLEDGE_BEFORE_BARRIER) ? log.op() : log.durableOp());
        if (next > commit) {
            commit = next;
        }
        emitCommitted();
    }

    private void emitCommitted() {
        if (commit <= committedOut) {
            return;
        }
        List<Entry> committed = log.entries(committedOut + 1, commit, Integer.MAX_VALUE);
        Invariants.check(!committed.isEmpty() && committed.getFirst().index() == committedOut + 1,
                "committed entries %s..%s are not in memory (memory starts at %s)", committedOut + 1, commit,
                log.memoryFirst());
        outputs.add(new Output.Commit(committed));
        committedOut = committed.getLast().index();
        log.forgetBelow(committedOut + 1 - config.memoryMaxEntries());
    }

    /** A random timeout in [min, 2 × min) ticks from now. */
    long deadline(int minTicks) {
        return ticks + minTicks + random.nextInt(minTicks);
    }

    private void afterInput() {
        Invariants.check(log.durableOp() <= log.op(), "durable op %s beyond op %s", log.durableOp(), log.op());
        Invariants.check(commit <= log.durableOp() || config.has(InjectedBug.ACKNOWLEDGE_BEFORE_BARRIER),
                "replica %s committed %s beyond its durable log %s", self, commit, log.durableOp());
        Invariants.check(committedOut <= commit, "handed out %s beyond the commit number %s", committedOut, commit);
        Invariants.check(lastNormalView <= view, "last normal view %s beyond view %s", lastNormalView, view);
        Invariants.check(status != Status.NORMAL || lastNormalView == view,
                "replica %s is normal in view %s but its last normal view is %s", self, view, lastNormalView);
    }
}
