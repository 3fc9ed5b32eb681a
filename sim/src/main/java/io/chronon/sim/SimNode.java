package io.chronon.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.DiskFailure;
import io.chronon.engine.Entry;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.FaultModel;
import io.chronon.engine.FaultyDisk;
import io.chronon.engine.Log;
import io.chronon.engine.LogOptions;
import io.chronon.engine.LogReader;
import io.chronon.engine.ManifestState;
import io.chronon.engine.MemoryDisk;
import io.chronon.engine.RecoveryFinding;
import io.chronon.engine.SimulatedCrash;
import io.chronon.examples.bank.BankApplication;
import io.chronon.examples.bank.BankCommand;
import io.chronon.examples.bank.BankState;
import io.chronon.examples.kv.KvApplication;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outcome;
import io.chronon.node.EffectOptions;
import io.chronon.node.Node;
import io.chronon.node.NodeOutput;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;

/**
 * One simulated replica process: the production {@link Node} (replica and executor) over the
 * production log and manifest, on a {@link FaultyDisk} whose medium survives crashes. This class is
 * the driver a real node would be, with simulated time: it performs storage outputs one at a time,
 * each taking a simulated latency, delivers messages and ticks, and can crash (losing everything
 * volatile), pause, stall its disk, skew its clock or lose its disk.
 */
final class SimNode {
    static final long TICK_NANOS = 10_000_000;
    static final LogOptions LOG_OPTIONS = new LogOptions(1 << 20, 256 * 1024, 16 * 1024);
    private static final long EPOCH = 1_700_000_000_000_000_000L;
    private static final int SESSION_CAPACITY = 1024;
    /** Retries without end here: the calm phase must drain every outbox. */
    private static final EffectOptions EFFECTS = new EffectOptions(1_000_000, 2, 50, Set.of());

    final int id;
    private final Simulation sim;
    private final EventLoop loop;
    private final SplittableRandom random;
    private MemoryDisk medium = new MemoryDisk();
    private FaultyDisk disk;
    private DataDirectory data;
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
    private final ArrayDeque<Object> storageQueue = new ArrayDeque<>();

    /** The driver's own storage work: record the commit index in the manifest. */
    private record CheckpointCommit(long commit) {}
    private boolean storageBusy;
    private long lastCheckpointedCommit = -1;
    private final Map<Long, SimClient> calls = new HashMap<>();
    private String lastState = "";
    /** The bank's total after the last entry applied here. */
    private long lastTotal;

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
        data = DataDirectory.open(disk, LOG_OPTIONS, () -> sim.cluster, () -> new UUID(id, random.nextLong()), wiped);
        wiped = false;
        Log log = data.log();
        if (!data.damage().isEmpty()) {
            // Record the recovery before cutting the log: a crash in between must not leave a short
            // log that looks intact.
            data.manifest().update(data.manifest().state().withRecovering(true));
            long firstDamaged = data.damage().stream().mapToLong(RecoveryFinding.Damage::firstIndex).min().orElseThrow();
            long keep = Math.min(log.durableIndex(), Math.max(firstDamaged - 1, log.firstIndex() - 1));
            log.truncateAfter(keep);
            sim.trace(id, "storage damage " + data.damage() + ": kept the log through " + keep + ", recovering");
        }
        ManifestState manifest = data.manifest().state();
        lastTotal = 0;
        Executor<?, ?, ?, ?> executor = sim.workload() == Simulation.Workload.BANK
                ? new Executor<>(new BankApplication(), SESSION_CAPACITY, sim.cluster)
                : new Executor<>(new KvApplication(), SESSION_CAPACITY, sim.cluster);
        // Entries through the manifest's commit index are committed: replay them, damage or not (the
        // log was cut before the first damaged entry).
        long applied = Math.min(manifest.commitIndex(), log.durableIndex());
        List<Entry> recent = new ArrayList<>();
        if (log.durableIndex() >= log.firstIndex()) {
            try (LogReader reader = log.reader(log.firstIndex(), log.durableIndex())) {
                while (reader.hasNext()) {
                    Entry entry = reader.next();
                    if (entry.index() <= applied) {
                        Executor.Result result = executor.apply(entry);
                        sim.applied(id, result);
                        checkMoney(result);
                    }
                    recent.add(entry);
                }
            }
        }
        long lastTimestamp = recent.isEmpty() ? 0 : recent.getLast().timestamp();
        Replica.RecentLog recentLog = new Replica.RecentLog(log.durableIndex(), log.lastHash(), log.lastView(),
                lastTimestamp, recent);
        ReplicaConfig config = sim.replicaConfig(id);
        Replica replica = new Replica(config, new Replica.SavedState(manifest.view(), manifest.lastNormalView(),
                Math.min(manifest.commitIndex(), applied), manifest.recovering()), recentLog, applied, false,
                this::clock, random.nextLong());
        node = new Node(replica, executor, EFFECTS, random.nextLong());
        sim.trace(id, "started: view " + manifest.view() + ", log " + log.firstIndex() + ".." + log.durableIndex()
                + ", applied " + applied + ", status " + replica.status());
        process();
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
        List<String> segments = medium.list().stream().filter(name -> name.startsWith("log-")).toList();
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
                case NodeOutput.Send send -> sim.network.send(id, send.to(), send.message());
                case NodeOutput.Storage storage -> {
                    storageQueue.add(storage.storage());
                    pumpStorage();
                }
                case NodeOutput.Reply reply -> {
                    SimClient client = calls.remove(reply.requestId());
                    if (client != null) {
                        sim.network.toClient(() -> client.onReply(reply.requestId(), reply.answer()));
                    }
                }
                case NodeOutput.Execute execute -> execute(execute);
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
            checkMoney(result);
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
            CompletableFuture<Void> delivery = sink.deliver(execute.id(), execute.view(), execute.payload())
                    .toCompletableFuture();
            String error = delivery.isCompletedExceptionally() ? delivery.exceptionNow().getMessage() : null;
            loop.after(50_000 + random.nextInt(1_000_000), () -> whenRunning(self, () -> {
                if (sim.inFaultPhase() && random.nextInt(50) == 0) {
                    sim.trace(id, "halts after the sink took effect " + execute.id() + ", before acknowledging it");
                    sim.crashFor(id, 50_000_000 + random.nextInt(500_000_000));
                    return;
                }
                if (data.manifest().state().view() != execute.view()) {
                    return;
                }
                if (error == null) {
                    node.effectDelivered(execute.id(), execute.view());
                } else {
                    node.effectFailed(execute.id(), execute.view(), error);
                }
                process();
            }));
        });
    }

    /** Money never appears or vanishes: a bank's total changes exactly by its accepted deposits and withdrawals. */
    private void checkMoney(Executor.Result result) {
        if (sim.workload() != Simulation.Workload.BANK) {
            return;
        }
        long total = ((BankState) result.state()).total();
        long delta = 0;
        if (result.outcome() instanceof Outcome.Completed && !result.duplicate()
                && Envelope.kind(result.entry().payload()) == Envelope.COMMAND) {
            BankCommand command = sim.bank.commands().decode(Envelope.body(result.entry().payload()));
            delta = switch (command) {
                case BankCommand.Deposit deposit -> deposit.amount();
                case BankCommand.Withdraw withdraw -> -withdraw.amount();
                case BankCommand.Transfer transfer -> 0;
            };
        }
        if (result.index() > 0 && total != lastTotal + delta) {
            sim.fail("replica " + id + ": money not conserved at index " + result.index() + ": total " + total
                    + " after " + lastTotal + " and a change of " + delta);
        }
        lastTotal = total;
    }

    /** Records the commit index in the manifest now and then, so that a lost tail is noticed on restart. */
    private void checkpointCommit() {
        long applied = node.executor().appliedIndex();
        if (applied - lastCheckpointedCommit >= 32) {
            lastCheckpointedCommit = applied;
            storageQueue.add(new CheckpointCommit(applied));
            pumpStorage();
        }
    }

    private void pumpStorage() {
        if (storageBusy || storageQueue.isEmpty() || !up) {
            return;
        }
        storageBusy = true;
        Object operation = storageQueue.poll();
        long self = incarnation;
        StorageEvent event;
        try {
            event = perform(operation);
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
            if (event != null) {
                node.storage(event);
            }
            process();
            pumpStorage();
        }));
    }

    private StorageEvent perform(Object operation) {
        Log log = data.log();
        return switch (operation) {
            case Output.Persist persist -> {
                for (Entry entry : persist.entries()) {
                    if (!log.fits(entry.payload().length)) {
                        log.barrier();
                    }
                    log.append(entry);
                }
                yield new StorageEvent.Persisted(log.barrier());
            }
            case Output.Truncate truncate -> {
                sim.trace(id, "truncates its log after " + truncate.afterIndex() + " (was " + log.lastIndex() + ")");
                log.truncateAfter(truncate.afterIndex());
                yield new StorageEvent.Truncated(truncate.afterIndex());
            }
            case Output.SaveState save -> {
                ManifestState current = data.manifest().state();
                data.manifest().update(new ManifestState(current.clusterId(), Math.max(current.view(), save.view()),
                        Math.max(current.lastNormalView(), save.lastNormalView()),
                        Math.max(current.commitIndex(), Math.min(save.commit(), log.durableIndex())),
                        save.recovering()));
                yield new StorageEvent.StateSaved(save.view(), save.lastNormalView(), save.commit());
            }
            case CheckpointCommit checkpoint -> {
                ManifestState current = data.manifest().state();
                data.manifest().update(current.withCommitIndex(Math.max(current.commitIndex(),
                        Math.min(checkpoint.commit(), log.durableIndex()))));
                yield null;
            }
            case Output.Load load -> {
                List<Entry> entries = new ArrayList<>();
                for (long index = load.first(); index <= load.last(); index++) {
                    try {
                        entries.add(log.read(index));
                    } catch (EntryUnavailableException e) {
                        break;
                    }
                }
                yield new StorageEvent.Loaded(load.forReplica(), load.first(), entries);
            }
            default -> throw new IllegalStateException("not a storage output: " + operation);
        };
    }
}
