package io.chronon.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import java.util.function.Consumer;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.DiskFailure;
import io.chronon.engine.FaultModel;
import io.chronon.engine.FaultyDisk;
import io.chronon.engine.Log;
import io.chronon.engine.LogOptions;
import io.chronon.engine.ManifestState;
import io.chronon.engine.MemoryDisk;
import io.chronon.engine.SimulatedCrash;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Executor;
import io.chronon.node.EffectOptions;
import io.chronon.node.HaltPoint;
import io.chronon.node.Node;
import io.chronon.node.NodeOutput;
import io.chronon.node.NodeStartup;
import io.chronon.node.NodeStorage;
import io.chronon.node.SnapshotOptions;
import io.chronon.node.StorageWork;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;

/**
 * One simulated replica process: the production {@link Node} (replica and executor) over the
 * production log and manifest, on a {@link FaultyDisk} whose medium survives crashes. This class is
 * the driver a real node would be, with simulated time: it performs storage outputs one at a time,
 * each taking a simulated latency, delivers messages and ticks, and can crash (losing everything
 * volatile), pause, stall its disk, skew its clock or lose its disk.
 */
final class SimNode {
    static final long TICK_NANOS = 10_000_000;
    /** Small segments, so that compaction (which removes whole segments) happens within a run. */
    static final LogOptions LOG_OPTIONS = new LogOptions(64 * 1024, 32 * 1024, 16 * 1024);
    private static final long EPOCH = 1_700_000_000_000_000_000L;
    private static final int SESSION_CAPACITY = 1024;
    /** Retries without end here: the calm phase must drain every outbox. */
    private static final EffectOptions EFFECTS = new EffectOptions(1_000_000, 2, 50, Set.of());
    /** Often, with little history kept, so that runs restart from snapshots and install them. */
    static final SnapshotOptions SNAPSHOTS = new SnapshotOptions(64, 24 * 1024, 16, 16);

    final int id;
    private final Simulation sim;
    private final EventLoop loop;
    private final SplittableRandom random;
    private MemoryDisk medium = new MemoryDisk();
    private FaultyDisk disk;
    private DataDirectory data;
    private NodeStorage storage;
    private Node node;
    private boolean up;
    private long incarnation;
    private long pausedUntil;
    /** When the replica last ticked: a paused process catches up its missed ticks before anything else. */
    private long lastTickAt;
    private long clockSkew;
    private long diskSlowUntil;
    private boolean wiped;
    /** Storage work in order: the replica's storage outputs, and the driver's own commit checkpoints. */
    private final ArrayDeque<StorageWork> storageQueue = new ArrayDeque<>();

    /** The driver's own storage work: record the commit index in the manifest. */
    private boolean storageBusy;
    /** The storage work being performed, or null. */
    private StorageWork storageWork;
    /** Snapshots asked for and not yet written, oldest first; as the production driver, written beside the queue. */
    private final ArrayDeque<Executor.Checkpoint> snapshotsToWrite = new ArrayDeque<>();
    /** From the start of a snapshot's write until its compaction is done. */
    private boolean snapshotInFlight;
    private long lastCheckpointedCommit = -1;
    private final Map<Long, SimClient> calls = new HashMap<>();
    private String lastState = "";

    SimNode(int id, Simulation sim, long seed) {
        this.id = id;
        this.sim = sim;
        this.loop = sim.loop;
        this.random = new SplittableRandom(seed);
    }

    boolean up() {
        return up;
    }

    Node node() {
        return node;
    }

    MemoryDisk medium() {
        return medium;
    }

    // ---------------------------------------------------------------- life cycle

    /** Starts (or restarts) the process: recover the data directory, rebuild the node, begin ticking. */
    void start() {
        incarnation++;
        up = true;
        storageQueue.clear();
        storageBusy = false;
        storageWork = null;
        snapshotsToWrite.clear();
        snapshotInFlight = false;
        calls.clear();
        disk = new FaultyDisk(medium, random.nextLong(), FaultModel.CRASH_ONLY);
        try {
            recover();
        } catch (SimulatedCrash | DiskFailure crash) {
            sim.trace(id, "crashed during recovery: " + crash.getMessage());
            up = false;
            loop.after(TICK_NANOS * (1 + random.nextInt(20)), this::start);
            return;
        }
        long self = incarnation;
        lastTickAt = loop.now();
        loop.after(TICK_NANOS, () -> tick(self));
    }

    private void recover() {
        // A replaced disk joins the existing cluster: its manifest says "recovering" from the start.
        data = DataDirectory.open(disk, LOG_OPTIONS, () -> sim.cluster, this::newLogId, wiped);
        wiped = false;
        Executor<?, ?, ?, ?> genesis = sim.workload().newExecutor(sim.cluster, SESSION_CAPACITY);
        storage = new NodeStorage(data, genesis.application(), SNAPSHOTS, this::newLogId, this::maybeHalt);
        NodeStartup.Started started = NodeStartup.start(data, genesis, sim.replicaConfig(id), EFFECTS, SNAPSHOTS,
                this::clock, random.nextLong(), this::newLogId, result -> sim.applied(id, result));
        node = started.node();
        started.notes().forEach(note -> sim.trace(id, note));
        Log log = data.log();
        ManifestState manifest = data.manifest().state();
        lastCheckpointedCommit = node.executor().appliedIndex();
        sim.trace(id, "started: view " + manifest.view() + ", log " + log.firstIndex() + ".." + log.durableIndex()
                + ", applied " + node.executor().appliedIndex() + ", status " + node.replica().status());
        process();
    }

    /** A test-only halt point: sometimes the process dies exactly there (in the fault phase). */
    private void maybeHalt(HaltPoint point) {
        if (sim.haltsAt(random)) {
            throw new SimulatedCrash("halt point " + point);
        }
    }

    private UUID newLogId() {
        return new UUID(id, random.nextLong());
    }

    /** The process dies: everything not on the medium is gone. */
    void crash() {
        if (!up) {
            return;
        }
        up = false;
        incarnation++;
        if (!disk.hasCrashed()) {
            disk.crash();
        }
        calls.clear();
        sim.trace(id, "crashed");
    }

    /** The process will die inside one of its next storage operations (between a write and its barrier). */
    void crashInsideStorage() {
        if (up && !disk.hasCrashed()) {
            disk.crashAtOperation(disk.operations() + 1 + random.nextInt(4));
            sim.trace(id, "will crash inside a storage operation");
        }
    }

    /** The next fsync fails (EIO): the process must crash, and it never retries. */
    void failNextFsync() {
        if (up && !disk.hasCrashed()) {
            disk.failNextBarrier();
            sim.trace(id, "the next fsync will fail");
        }
    }

    /** The disk is replaced by an empty one (a new machine): on restart the replica must recover. */
    void wipe() {
        crash();
        medium = new MemoryDisk();
        wiped = true;
        sim.trace(id, "disk wiped");
    }

    /** Flips bits of the log on the medium while the process is down: latent sector errors. */
    void rot(int bits) {
        // Only past a segment's header block: a segment created just before a crash may hold nothing yet.
        List<String> segments = medium.list().stream()
                .filter(name -> name.startsWith("log-") && medium.size(name) > 4096).toList();
        for (int i = 0; i < bits && !segments.isEmpty(); i++) {
            String segment = segments.get(random.nextInt(segments.size()));
            long size = medium.size(segment);
            long position = 4096 + (long) (random.nextDouble() * Math.max(1, Math.min(size, 64 * 1024) - 4096));
            medium.flipBit(segment, position, random.nextInt(8));
            sim.trace(id, "bit rot in " + segment + " at " + position);
        }
    }

    /** Faults stop: no scheduled crash, pause, slow disk or clock skew survives into the calm phase. */
    void calm() {
        if (up) {
            disk.cancelScheduledCrash();
            disk.cancelFailingBarrier();
        }
        pausedUntil = 0;
        diskSlowUntil = 0;
        clockSkew = 0;
    }

    void pause(long nanos) {
        pausedUntil = Math.max(pausedUntil, loop.now() + nanos);
        sim.trace(id, "paused for " + nanos / 1_000_000 + " ms");
    }

    void slowDisk(long nanos) {
        diskSlowUntil = Math.max(diskSlowUntil, loop.now() + nanos);
        sim.trace(id, "disk slow for " + nanos / 1_000_000 + " ms");
    }

    void skewClock(long nanos) {
        clockSkew = nanos;
        sim.trace(id, "clock skewed by " + nanos / 1_000_000 + " ms");
    }

    private long clock() {
        return EPOCH + loop.now() + clockSkew;
    }

    /** Runs {@code action} now, or when a pause ends; drops it if the process died meanwhile. */
    private void whenRunning(long self, Runnable action) {
        if (!up || self != incarnation) {
            return;
        }
        if (loop.now() < pausedUntil) {
            loop.at(pausedUntil, () -> whenRunning(self, action));
            return;
        }
        try {
            catchUpTicks();
            action.run();
        } catch (SimulatedCrash | DiskFailure crash) {
            sim.trace(id, "crashed: " + crash.getMessage());
            crash();
        }
    }

    /**
     * Delivers the ticks of all time elapsed since the last one, as a real driver must (from a
     * monotonic clock): lease reads count on ticks keeping pace with time, also across a pause.
     */
    private void catchUpTicks() {
        while (up && loop.now() - lastTickAt >= TICK_NANOS) {
            lastTickAt += TICK_NANOS;
            node.tick();
            process();
        }
    }

    // ---------------------------------------------------------------- inputs

    private void tick(long self) {
        whenRunning(self, () -> { });
        if (up && self == incarnation) {
            loop.after(TICK_NANOS, () -> tick(self));
        }
    }

    void deliver(Message message) {
        long self = incarnation;
        whenRunning(self, () -> {
            node.receive(message);
            process();
        });
    }

    void command(SimClient client, long requestId, UUID clientId, long requestNumber, byte[] command) {
        long self = incarnation;
        whenRunning(self, () -> {
            calls.put(requestId, client);
            node.command(requestId, clientId, requestNumber, command);
            process();
        });
    }

    void query(SimClient client, long readId, byte[] query, ReadConsistency consistency) {
        long self = incarnation;
        whenRunning(self, () -> {
            calls.put(readId, client);
            node.query(readId, query, consistency);
            process();
        });
    }

    // ---------------------------------------------------------------- outputs

    private void process() {
        for (NodeOutput output : node.drainOutputs()) {
            switch (output) {
                case NodeOutput.Send send -> sim.network.send(id, send.to(), sim.overTheWire(send.message()));
                case NodeOutput.Storage storage -> {
                    storageQueue.add(new StorageWork.ReplicaOutput(storage.storage()));
                    pumpStorage();
                }
                case NodeOutput.Reply reply -> {
                    SimClient client = calls.remove(reply.requestId());
                    if (client != null) {
                        sim.network.toClient(() -> client.onReply(reply.requestId(), reply.answer()));
                    }
                }
                case NodeOutput.Execute execute -> execute(execute);
                case NodeOutput.TakeSnapshot take -> {
                    snapshotsToWrite.add(take.checkpoint());
                    pumpSnapshots();
                }
                case NodeOutput.ReadReply reply -> {
                    SimClient client = calls.remove(reply.readId());
                    if (client != null) {
                        sim.network.toClient(() -> client.onReadReply(reply.readId(), reply.answer()));
                    }
                }
            }
        }
        for (Executor.Result result : node.drainApplied()) {
            sim.applied(id, result);
        }
        sim.checkReplica(id, node.replica(), data.manifest().state().recovering());
        Replica replica = node.replica();
        String state = replica.status() + " view " + replica.view() + (replica.isPrimary() ? " (primary)" : "");
        if (!state.equals(lastState)) {
            sim.trace(id, state + ", op " + replica.op() + ", commit " + replica.commitIndex());
            lastState = state;
        }
        checkpointCommit();
    }

    /**
     * Delivers an effect to its sink the way a real driver does: the durable view must be the
     * effect's view before the call and after it, or no outcome is reported. The sink takes the
     * effect even if this process dies before the answer comes back; and sometimes the process dies
     * exactly there, after the sink committed and before the acknowledgement is proposed (the halt
     * point), so the next primary delivers it again.
     */
    private void execute(NodeOutput.Execute execute) {
        long self = incarnation;
        RecordingSink sink = sim.sinks.get(execute.sink());
        if (data.manifest().state().view() != execute.view()) {
            return;
        }
        loop.after(50_000 + random.nextInt(1_000_000), () -> {
            CompletableFuture<EffectSink.Receipt> delivery = sink.deliver(execute.delivery()).toCompletableFuture();
            String error = delivery.isCompletedExceptionally() ? delivery.exceptionNow().getMessage() : null;
            loop.after(50_000 + random.nextInt(1_000_000), () -> whenRunning(self, () -> {
                if (sim.haltsAt(random)) {
                    sim.trace(id, "halt point " + HaltPoint.AFTER_SINK_COMMIT_BEFORE_ACK + ": the sink took effect "
                            + execute.id());
                    sim.crashFor(id, 50_000_000 + random.nextInt(500_000_000));
                    return;
                }
                if (data.manifest().state().view() != execute.view()) {
                    return;
                }
                if (error == null) {
                    node.effectDelivered(execute.id(), execute.view(), delivery.join());
                } else {
                    node.effectFailed(execute.id(), execute.view(), error);
                }
                process();
            }));
        });
    }

    /** Records the commit index in the manifest now and then, so that a lost tail is noticed on restart. */
    private void checkpointCommit() {
        long applied = node.executor().appliedIndex();
        if (applied - lastCheckpointedCommit >= 32) {
            lastCheckpointedCommit = applied;
            storageQueue.add(new StorageWork.RecordCommit(applied));
            pumpStorage();
        }
    }

    private void pumpStorage() {
        if (storageBusy || storageQueue.isEmpty() || !up) {
            return;
        }
        StorageWork work = storageQueue.peek();
        if (snapshotInFlight && work.touchesSnapshots() && !(work instanceof StorageWork.Compaction)) {
            return;
        }
        storageQueue.poll();
        storageBusy = true;
        storageWork = work;
        long self = incarnation;
        Consumer<Node> completion;
        try {
            trace(work);
            completion = storage.perform(work);
            if (work instanceof StorageWork.ReplicaOutput(Output.InstallSnapshot install)) {
                sim.snapshotInstalled();
                sim.trace(id, "installed snapshot " + install.snapshot().index() + " received from a peer");
            }
        } catch (SimulatedCrash | DiskFailure crash) {
            sim.trace(id, "crashed in storage: " + crash.getMessage());
            crash();
            return;
        }
        long latency = 50_000 + random.nextInt(400_000);
        if (loop.now() < diskSlowUntil) {
            latency += diskSlowUntil - loop.now();
        }
        loop.after(latency, () -> whenRunning(self, () -> {
            storageBusy = false;
            storageWork = null;
            if (work instanceof StorageWork.Compaction) {
                snapshotInFlight = false;
            }
            completion.accept(node);
            process();
            pumpStorage();
            pumpSnapshots();
        }));
    }

    /**
     * Writes the next snapshot asked for beside the storage queue, as the production driver does on
     * its snapshot thread: the log's work goes on meanwhile, and the compaction goes to the front of
     * the queue once the write is done.
     */
    private void pumpSnapshots() {
        if (!up || snapshotInFlight || snapshotsToWrite.isEmpty()
                || storageWork != null && storageWork.touchesSnapshots()) {
            return;
        }
        snapshotInFlight = true;
        Executor.Checkpoint checkpoint = snapshotsToWrite.poll();
        long self = incarnation;
        try {
            storage.writeSnapshot(checkpoint);
        } catch (SimulatedCrash | DiskFailure crash) {
            sim.trace(id, "crashed writing a snapshot: " + crash.getMessage());
            crash();
            return;
        }
        loop.after(200_000 + random.nextInt(2_000_000), () -> whenRunning(self, () -> {
            storageQueue.addFirst(new StorageWork.Compaction(checkpoint.index()));
            pumpStorage();
        }));
    }

    /** Notes a truncation in the trace before it happens (a crash may interrupt it). */
    private void trace(StorageWork work) {
        if (work instanceof StorageWork.ReplicaOutput(Output.Truncate truncate)) {
            sim.trace(id, "truncates its log after " + truncate.afterIndex() + " (was " + data.log().lastIndex() + ")");
        }
    }
}
