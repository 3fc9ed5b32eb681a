package io.chronon.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Invariants;
import io.chronon.engine.SnapshotInfo;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.kernel.Outcome;
import io.chronon.kernel.SessionTable;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;
import io.chronon.vsr.StorageEvent;

/**
 * A replica and the executor of its application, composed without I/O: the one thing a driver
 * steps. The replica decides what is committed; this class applies committed entries, answers the
 * clients waiting on them, answers retries of applied requests from the session table without
 * proposing them again, and holds linearizable reads until the state reflects the index the replica
 * granted them at. Drivers perform the {@link NodeOutput}s and feed back storage events.
 *
 * <p>Like the replica it is single-threaded and deterministic; the replica only hands committed
 * entries out, and only this class calls the executor (as etcd's raft hands {@code Ready} to its
 * application).
 */
public final class Node {
    /** Stands for the query of {@link #confirmLeadership} (compared by identity). */
    private static final byte[] NO_QUERY = new byte[0];

    private final Replica replica;
    private Executor<?, ?, ?, ?> executor;
    private final EffectRunner effects;
    private final SnapshotOptions snapshots;
    private final DivergenceGuard guard;
    /** Proposals of the node's own (effect acknowledgements): their answers go to no client. */
    private final Set<Long> internal = new HashSet<>();
    private long internalIds;
    private final List<NodeOutput> outputs = new ArrayList<>();
    /** Client commands placed in the log, by index, waiting for it to be applied. */
    private final TreeMap<Long, List<Long>> waitingOnIndex = new TreeMap<>();
    /** Linearizable queries granted at an index not yet applied. */
    private final TreeMap<Long, List<PendingRead>> readsOnIndex = new TreeMap<>();
    private final Map<Long, byte[]> queries = new HashMap<>();
    private final List<Executor.Result> applied = new ArrayList<>();
    /** Snapshot installs handed to storage, and how many of them it reported done. */
    private long installsAsked;
    private long installsDone;
    /** Committed entries that follow an install storage has not reported yet, in commit order. */
    private final ArrayDeque<HeldCommit> held = new ArrayDeque<>();

    private record PendingRead(long readId, byte[] query) {}

    private record HeldCommit(long afterInstall, List<Entry> entries) {}

    /**
     * A node that delivers its application's effects as {@code effectOptions} says and snapshots its
     * state as {@code snapshotOptions} says.
     */
    public Node(Replica replica, Executor<?, ?, ?, ?> executor, EffectOptions effectOptions,
                SnapshotOptions snapshotOptions, long seed) {
        this.replica = replica;
        this.executor = executor;
        this.effects = new EffectRunner(this, effectOptions, seed);
        this.snapshots = snapshotOptions;
        this.guard = new DivergenceGuard(replica.replicaId(), snapshotOptions.digestsPerCheckpoint(),
                executor.appliedIndex());
        drain();
    }

    public Replica replica() {
        return replica;
    }

    /**
     * The outbox: the replicated effects, pending ones with this primary's failed attempts and last
     * error so far.
     */
    public List<Outbox.Pending> outbox() {
        return effects.observed(executor.outbox().all());
    }

    public Executor<?, ?, ?, ?> executor() {
        return executor;
    }

    // ---------------------------------------------------------------- inputs

    /**
     * A message from a peer.
     *
     * @throws DivergenceException if the peer applied the same log into another state
     */
    public void receive(Message message) {
        if (message instanceof Message.Checkpoint checkpoint) {
            if (checkpoint.cluster().equals(replica.cluster()) && checkpoint.from() >= 0
                    && checkpoint.from() < replica.replicaCount() && checkpoint.from() != replica.replicaId()) {
                guard.received(checkpoint);
            }
            return;
        }
        replica.receive(message);
        drain();
    }

    public void tick() {
        replica.tick();
        drain();
        effects.tick();
    }

    public void storage(StorageEvent event) {
        replica.storage(event);
        drain();
    }

    /**
     * A client command: answered from the session if it was already applied, else proposed. This
     * replica's state may lag the log, so only what stays true as it catches up is answered here (a
     * saved outcome, a request number older than the latest); whether a session expired is decided
     * when the command is applied, the same on every replica. {@link Entry#NO_CLIENT} sends a command
     * without a session.
     */
    public void command(long requestId, UUID client, long requestNumber, byte[] command) {
        if (client.equals(Entry.NO_CLIENT)) {
            // Without a session a command is applied each time it arrives: no retry is recognised.
            replica.submit(new Replica.Request(requestId, client, 0, Envelope.command(command)));
            drain();
            return;
        }
        SessionTable.Check check = executor.sessions().check(client, requestNumber);
        switch (check) {
            case SessionTable.Check.Duplicate duplicate -> outputs.add(new NodeOutput.Reply(requestId,
                    new NodeOutput.Answer.Done(executor.sessions().get(client).index(), replica.view(),
                            duplicate.outcome())));
            case SessionTable.Check.Stale stale -> outputs.add(new NodeOutput.Reply(requestId,
                    new NodeOutput.Answer.Done(-1, replica.view(), new Outcome.StaleRequest(stale.latestRequestNumber()))));
            case SessionTable.Check.Expired expired ->
                    replica.submit(new Replica.Request(requestId, client, requestNumber, Envelope.command(command)));
            case SessionTable.Check.Fresh fresh ->
                    replica.submit(new Replica.Request(requestId, client, requestNumber, Envelope.command(command)));
        }
        drain();
    }

    /**
     * A query at the primary: answered once the replica grants it at the consistency asked (a quorum
     * round, or the lease) and this replica's state has caught up with the index it was granted at.
     */
    public void query(long readId, byte[] query, ReadConsistency consistency) {
        queries.put(readId, query);
        replica.read(readId, consistency);
        drain();
    }

    /**
     * Confirms that this replica still leads its view with a quorum round started after this call (a
     * sink about to make a delivery visible asks it, so that a deposed primary cannot): answered on
     * {@code readId} with {@link NodeOutput.ReadAnswer.Done} (no query is run) or
     * {@link NodeOutput.ReadAnswer.Refused}.
     */
    public void confirmLeadership(long readId) {
        queries.put(readId, NO_QUERY);
        replica.read(readId, ReadConsistency.LINEARIZABLE);
        drain();
    }

    /** A query answered from this replica's state as it is, without asking anyone: may be stale. */
    public NodeOutput.ReadAnswer queryLocal(byte[] query) {
        return answer(query);
    }

    /**
     * The driver wrote the snapshot asked for with {@link NodeOutput.TakeSnapshot} and compacted the
     * log: peers that lag behind the compaction can be sent the snapshot, and its state hash is
     * compared with theirs.
     *
     * @throws DivergenceException if a peer's state at that index hashes differently
     */
    public void snapshotTaken(StorageEvent.SnapshotSaved saved) {
        replica.storage(saved);
        send(guard.snapshotted(saved.snapshot().index(), saved.snapshot().bodyHash()));
        drain();
    }

    /**
     * The driver performed {@link Output.InstallSnapshot}: the log continues from the snapshot and
     * {@code checkpoint} is its state, which the executor continues from.
     */
    public void snapshotInstalled(SnapshotInfo snapshot, Executor.Checkpoint checkpoint) {
        Invariants.check(checkpoint.index() == snapshot.index() && checkpoint.entryHash().equals(
                snapshot.meta().chainHash()), "the installed state is not the snapshot's");
        Invariants.check(checkpoint.index() > executor.appliedIndex(), "snapshot %s installed over applied index %s",
                checkpoint.index(), executor.appliedIndex());
        executor = executor.restoredFrom(checkpoint);
        guard.restartAt(checkpoint.index());
        for (List<PendingRead> reads : readsOnIndex.headMap(checkpoint.index(), true).values()) {
            reads.forEach(read -> outputs.add(new NodeOutput.ReadReply(read.readId(), answer(read.query()))));
        }
        readsOnIndex.headMap(checkpoint.index(), true).clear();
        installsDone++;
        Invariants.check(installsDone <= installsAsked, "more snapshots installed than asked for");
        while (!held.isEmpty() && held.peekFirst().afterInstall() <= installsDone) {
            apply(held.removeFirst().entries());
        }
        replica.storage(new StorageEvent.SnapshotInstalled(snapshot));
        drain();
    }

    /** The sink took an effect delivered with {@link NodeOutput.Execute} (and the durable view still matched). */
    public void effectDelivered(EffectId id, long view, EffectSink.Receipt receipt) {
        effects.delivered(id, view, receipt);
        drain();
    }

    /** The sink refused or failed an effect delivered with {@link NodeOutput.Execute}. */
    public void effectFailed(EffectId id, long view, String error) {
        effects.failed(id, view, error);
        drain();
    }

    /** An operator asks to try a failed effect again; answered on {@code requestId}. */
    public void retryEffect(long requestId, EffectId id) {
        replica.submit(new Replica.Request(requestId, Entry.NO_CLIENT, 0, Envelope.effectRetry(id)));
        drain();
    }

    void execute(EffectId id, long index, int ordinal, long view, String sink, byte[] payload) {
        outputs.add(new NodeOutput.Execute(id, index, ordinal, view, sink, payload));
    }

    void proposeInternal(byte[] payload) {
        long requestId = Long.MIN_VALUE + ++internalIds;
        internal.add(requestId);
        replica.submit(new Replica.Request(requestId, Entry.NO_CLIENT, 0, payload));
    }

    /** Takes the outputs produced so far. */
    public List<NodeOutput> drainOutputs() {
        List<NodeOutput> drained = List.copyOf(outputs);
        outputs.clear();
        return drained;
    }

    /** Takes the results of the entries applied so far (for checkers and the time-travel recorder). */
    public List<Executor.Result> drainApplied() {
        List<Executor.Result> drained = List.copyOf(applied);
        applied.clear();
        return drained;
    }

    // ---------------------------------------------------------------- replica outputs

    private void drain() {
        for (Output output : replica.drainOutputs()) {
            switch (output) {
                case Output.Send send -> outputs.add(new NodeOutput.Send(send.to(), send.message()));
                case Output.Persist persist -> outputs.add(new NodeOutput.Storage(persist));
                case Output.Truncate truncate -> outputs.add(new NodeOutput.Storage(truncate));
                case Output.SaveState save -> outputs.add(new NodeOutput.Storage(save));
                case Output.Load load -> outputs.add(new NodeOutput.Storage(load));
                case Output.LoadSnapshotChunk load -> outputs.add(new NodeOutput.Storage(load));
                case Output.WriteSnapshotChunk write -> outputs.add(new NodeOutput.Storage(write));
                case Output.InstallSnapshot install -> {
                    installsAsked++;
                    outputs.add(new NodeOutput.Storage(install));
                }
                case Output.Commit commit -> {
                    // Entries after a snapshot apply to its state: wait until storage installed it.
                    if (installsDone < installsAsked) {
                        held.addLast(new HeldCommit(installsAsked, commit.entries()));
                    } else {
                        apply(commit.entries());
                    }
                }
                case Output.Proposed proposed ->
                        waitingOnIndex.computeIfAbsent(proposed.index(), index -> new ArrayList<>())
                                .add(proposed.requestId());
                case Output.Refused refused -> reply(refused.requestId(),
                        new NodeOutput.Answer.Refused(refused.refusal(), refused.primaryHint()));
                case Output.Discarded discarded -> discardAfter(discarded.afterIndex());
                case Output.ReadReady ready -> readReady(ready.readId(), ready.index());
                case Output.ReadRefused refused -> {
                    queries.remove(refused.readId());
                    outputs.add(new NodeOutput.ReadReply(refused.readId(),
                            new NodeOutput.ReadAnswer.Refused(refused.refusal(), refused.primaryHint())));
                }
            }
        }
    }

    private void apply(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (Entry entry : entries) {
            long bytesBefore = executor.appliedBytes();
            Executor.Result result = executor.apply(entry);
            applied.add(result);
            send(guard.applied(entry.index(), result.digest()));
            if (snapshots.snapshotAfter(entry.index(), bytesBefore, executor.appliedBytes())) {
                outputs.add(new NodeOutput.TakeSnapshot(executor.checkpoint()));
            }
            List<Long> waiting = waitingOnIndex.remove(entry.index());
            if (waiting != null) {
                for (long requestId : waiting) {
                    reply(requestId, new NodeOutput.Answer.Done(entry.index(), entry.view(), result.outcome()));
                }
            }
            List<PendingRead> reads = readsOnIndex.remove(entry.index());
            if (reads != null) {
                reads.forEach(read -> outputs.add(new NodeOutput.ReadReply(read.readId(), answer(read.query()))));
            }
        }
        effects.schedule();
    }

    /** Sends a determinism checkpoint to every peer. */
    private void send(DivergenceGuard.Outgoing checkpoint) {
        if (checkpoint == null) {
            return;
        }
        for (int peer = 0; peer < replica.replicaCount(); peer++) {
            if (peer != replica.replicaId()) {
                outputs.add(new NodeOutput.Send(peer, new Message.Checkpoint(replica.cluster(), replica.replicaId(),
                        replica.view(), checkpoint.firstIndex(), checkpoint.digests(), checkpoint.stateIndex(),
                        checkpoint.stateHash())));
            }
        }
    }

    /** Entries after {@code index} left the log uncommitted: their outcome is unknown here. */
    private void discardAfter(long index) {
        for (List<Long> waiting : waitingOnIndex.tailMap(index, false).values()) {
            waiting.forEach(requestId -> reply(requestId, new NodeOutput.Answer.Unknown()));
        }
        waitingOnIndex.tailMap(index, false).clear();
    }

    /** Answers a client, or drops the answer to one of the node's own proposals. */
    private void reply(long requestId, NodeOutput.Answer answer) {
        if (!internal.remove(requestId)) {
            outputs.add(new NodeOutput.Reply(requestId, answer));
        }
    }

    private void readReady(long readId, long index) {
        byte[] query = queries.remove(readId);
        if (executor.appliedIndex() >= index) {
            outputs.add(new NodeOutput.ReadReply(readId, answer(query)));
        } else {
            readsOnIndex.computeIfAbsent(index, key -> new ArrayList<>()).add(new PendingRead(readId, query));
        }
    }

    private NodeOutput.ReadAnswer answer(byte[] query) {
        if (query == NO_QUERY) {
            return new NodeOutput.ReadAnswer.Done(executor.appliedIndex(), NO_QUERY);
        }
        try {
            return new NodeOutput.ReadAnswer.Done(executor.appliedIndex(), executor.query(query));
        } catch (IllegalArgumentException e) {
            return new NodeOutput.ReadAnswer.Malformed(e.getMessage());
        }
    }
}
