package io.chronon.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import io.chronon.engine.DryRunDisk;
import io.chronon.engine.Entry;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.Hash;
import io.chronon.engine.Log;
import io.chronon.engine.LogOptions;
import io.chronon.examples.bank.BankApplication;
import io.chronon.examples.bank.BankCommand;
import io.chronon.examples.bank.BankState;
import io.chronon.examples.bank.Statement;
import io.chronon.examples.kv.KvApplication;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.kernel.Outcome;
import io.chronon.node.DivergenceException;
import io.chronon.sim.check.History;
import io.chronon.sim.check.LinearizabilityChecker;
import io.chronon.sim.check.Verdict;
import io.chronon.vsr.InjectedBug;
import io.chronon.vsr.Message;
import io.chronon.vsr.MessageCodec;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;

/**
 * One deterministic run of a whole cluster from one seed: replicas (the production node, replica,
 * log, manifest and executor), clients, a faulty network, faulty disks and a nemesis, in one thread.
 *
 * <p>The run has two phases. In the fault phase the nemesis crashes replicas (also inside storage
 * operations and all at once), pauses them, partitions and degrades the network, stalls disks,
 * skews clocks, replaces disks and rots bits, within the fault model: at most f replicas have lost
 * state at any time. In the calm phase every fault is healed and every replica restarted, and the
 * cluster must finish every client operation and converge.
 *
 * <p>Checkers: replicas never apply different histories (their chained digests agree at every
 * index); every acknowledged write is in the committed log; client histories are linearizable; all
 * operations started in the calm phase complete; in the end all replicas agree.
 */
public final class Simulation {
    /**
     * What to simulate. Times are simulated nanoseconds. {@code bugs}: protocol bugs the replicas
     * are told to have, to prove the checkers catch them (empty for real runs). {@code haltPoints}:
     * replicas sometimes crash at the test-only halt points (after a sink took an effect, before the
     * acknowledgement is proposed), in the fault phase; scripted runs leave them off.
     */
    public record Options(long seed, int replicas, int clients, long faultNanos, long calmNanos,
                          Set<InjectedBug> bugs, boolean nemesis, Workload workload, boolean oracles,
                          boolean haltPoints) {
        /** A random fault schedule from the seed, on the key-value register. */
        public static Options standard(long seed, int replicas) {
            return new Options(seed, replicas, 4, 6_000_000_000L, 6_000_000_000L, Set.of(), true, Workload.KV, true,
                    true);
        }

        /** No nemesis: a test schedules the faults itself. */
        public static Options scripted(long seed, int replicas, long faultNanos, long calmNanos) {
            return new Options(seed, replicas, 3, faultNanos, calmNanos, Set.of(), false, Workload.KV, true,
                    false);
        }

        public Options withBugs(Set<InjectedBug> injected) {
            return new Options(seed, replicas, clients, faultNanos, calmNanos, injected, nemesis, workload, oracles,
                    haltPoints);
        }

        public Options with(Workload chosen) {
            return new Options(seed, replicas, clients, faultNanos, calmNanos, bugs, nemesis, chosen, oracles,
                    haltPoints);
        }

        /**
         * Without the checkers that see every replica at once (digest agreement, linearizability,
         * convergence): what the replicas notice among themselves must catch a fault on its own.
         */
        public Options withoutOracles() {
            return new Options(seed, replicas, clients, faultNanos, calmNanos, bugs, nemesis, workload, false,
                    haltPoints);
        }
    }

    /**
     * What the clients do: the key-value register (checked for linearizability) or the bank ledger
     * (checked for money conservation at every index and for its effects reaching their sinks); or
     * the register broken by reading the clock in {@code apply}, in a result or only in the state,
     * which the replicas' divergence guard must catch.
     */
    public enum Workload {
        KV, BANK, CLOCK_IN_RESULT, CLOCK_IN_STATE;

        Executor<?, ?, ?, ?> newExecutor(UUID cluster, int sessionCapacity) {
            return switch (this) {
                case KV -> new Executor<>(new KvApplication(), sessionCapacity, cluster);
                case BANK -> new Executor<>(new BankApplication(), sessionCapacity, cluster);
                case CLOCK_IN_RESULT -> new Executor<>(new ClockReadingKv(true), sessionCapacity, cluster);
                case CLOCK_IN_STATE -> new Executor<>(new ClockReadingKv(false), sessionCapacity, cluster);
            };
        }
    }

    /**
     * How a run ended. {@code trace} holds the last events before a failure; {@code installs}
     * counts snapshots replicas installed from peers; {@code divergence} is what a replica's
     * divergence guard reported, or null.
     */
    public record Result(long seed, Workload workload, boolean passed, String failure, List<String> trace,
                         long operations, long faults, long installs, DivergenceException divergence) {}

    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    final EventLoop loop = new EventLoop();
    final SimNetwork network;
    /** Every message travels in its wire format, so every protocol path exercises the codec. */
    private final MessageCodec codec = new MessageCodec(LogOptions.DEFAULTS.maxPayloadBytes());
    final KvApplication kv = new KvApplication();
    final BankApplication bank = new BankApplication();
    final UUID cluster;
    /** The external systems effects go to: statements exactly once (a database), transfers at least once (a broker). */
    final Map<String, RecordingSink> sinks = Map.of(
            Statement.STATEMENTS, new RecordingSink(Statement.STATEMENTS, EffectSink.Guarantee.EXACTLY_ONCE),
            Statement.TRANSFERS, new RecordingSink(Statement.TRANSFERS, EffectSink.Guarantee.AT_LEAST_ONCE));
    /** Every effect any replica applied, by id, with its sink. */
    private final Map<EffectId, String> effects = new HashMap<>();
    private final Options options;
    private final SplittableRandom random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final History.Builder history = History.builder();
    private final Map<Long, Hash> digests = new HashMap<>();
    /** The client and request number of the entry applied at each index (the committed log). */
    private final Map<Long, String> appliedEntries = new HashMap<>();
    /** The bank's total money after each index. */
    private final Map<Long, Long> totals = new HashMap<>();
    private long installs;
    /** The lowest index at which two replicas' digests differed, seen by the oracle (−1: none). */
    private long firstDigestMismatch = -1;
    private final Map<Long, String> acknowledged = new HashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final boolean[] stateLost;
    private long requestIds;
    private long faults;
    private long calmStartsAt;

    public Simulation(Options options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.cluster = new UUID(0xC1057E12L, options.seed());
        this.network = new SimNetwork(loop, random.split(), options.replicas());
        this.stateLost = new boolean[options.replicas()];
        for (int id = 0; id < options.replicas(); id++) {
            nodes.add(new SimNode(id, this, random.nextLong()));
        }
        network.connect(nodes);
        for (int id = 0; id < options.clients(); id++) {
            clients.add(new SimClient(id, this, random.nextLong()));
        }
    }

    /** Runs the simulation of one seed. */
    public static Result run(Options options) {
        return new Simulation(options).run();
    }

    /** Runs this simulation (its scripted faults, if any, scheduled beforehand with {@link #at}). */
    Result run() {
        try {
            nodes.forEach(SimNode::start);
            clients.forEach(SimClient::start);
            calmStartsAt = options.faultNanos();
            if (options.nemesis()) {
                scheduleNemesis();
            }
            loop.at(calmStartsAt, this::calm);
            loop.runUntil(calmStartsAt + options.calmNanos());
            checkEnd();
        } catch (Failure failure) {
            return new Result(options.seed(), options.workload(), false, failure.getMessage(), List.copyOf(trace),
                    operations(), faults, installs, null);
        } catch (DivergenceException divergence) {
            return new Result(options.seed(), options.workload(), false, divergence.getMessage(), List.copyOf(trace),
                    operations(), faults, installs, divergence);
        } catch (RuntimeException | Error e) {
            return new Result(options.seed(), options.workload(), false, e.toString() + " at " + location(e),
                    List.copyOf(trace), operations(), faults, installs, null);
        }
        return new Result(options.seed(), options.workload(), true, null, List.of(), operations(), faults, installs,
                null);
    }

    /** The project's frames where {@code e} was thrown, innermost first, to tell one failure from another. */
    private static String location(Throwable e) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement element : e.getStackTrace()) {
            if (element.getClassName().startsWith("io.chronon") && frames.size() < 8) {
                frames.add(element.getClassName().substring(element.getClassName().lastIndexOf('.') + 1) + "."
                        + element.getMethodName() + ":" + element.getLineNumber());
            }
        }
        return frames.isEmpty() ? "?" : String.join(" < ", frames);
    }

    private long operations() {
        return clients.stream().mapToLong(SimClient::completed).sum();
    }

    // ---------------------------------------------------------------- scripted faults (tests)

    /** Schedules an action (a fault, a check) at simulated time {@code nanos}. */
    void at(long nanos, Runnable action) {
        loop.at(nanos, action);
    }

    void crashFor(int node, long downNanos) {
        crashAndRestart(nodes.get(node), downNanos);
    }

    void wipeFor(int node, long downNanos) {
        stateLost[node] = true;
        nodes.get(node).wipe();
        loop.after(downNanos, () -> restart(nodes.get(node)));
    }

    /** The replica that is primary in normal status now, or −1. */
    int currentPrimary() {
        for (SimNode node : nodes) {
            if (node.up() && node.node().replica().status() == Replica.Status.NORMAL
                    && node.node().replica().isPrimary()) {
                return node.id;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- shared with nodes and clients

    int replicas() {
        return options.replicas();
    }

    Workload workload() {
        return options.workload();
    }

    int clients() {
        return options.clients();
    }

    SimNode node(int id) {
        return nodes.get(id);
    }

    long newRequestId() {
        return ++requestIds;
    }

    long nextRequestId() {
        return requestIds + 1;
    }

    /** Whether a replica at a halt point crashes there now (seeded; never in the calm phase). */
    boolean haltsAt(SplittableRandom nodeRandom) {
        return options.haltPoints() && inFaultPhase() && nodeRandom.nextInt(50) == 0;
    }

    boolean inFaultPhase() {
        return loop.now() < calmStartsAt;
    }

    long stopIssuingAt() {
        return calmStartsAt + options.calmNanos() - 2_500_000_000L;
    }

    History.Builder history() {
        return history;
    }

    ReplicaConfig replicaConfig(int id) {
        return new ReplicaConfig(cluster, options.replicas(), id, 3, 15, 15, 10, 60, 256, 64, 64 * 1024, 2_000,
                128 * 1024, 300, 10, options.bugs());
    }

    /** A message as the receiver gets it: encoded into a frame and decoded again. */
    Message overTheWire(Message message) {
        return codec.decode(codec.encode(message));
    }

    void trace(int node, String line) {
        if (trace.size() == 2000) {
            trace.removeFirst();
        }
        trace.add(String.format("%9.3f ms  r%d  %s", loop.now() / 1e6, node, line));
    }

    void fail(String message) {
        throw new Failure(message);
    }

    /**
     * Every replica's digest at an index must be the same: they applied the same history. For the
     * bank, money is conserved at every index: the total changes exactly by the accepted deposit or
     * withdrawal (checked on every replica, from the total after the index before, whichever replica
     * applied it first).
     */
    void applied(int node, Executor.Result result) {
        Hash known = digests.putIfAbsent(result.index(), result.digest());
        if (known != null && !known.equals(result.digest())) {
            if (firstDigestMismatch < 0 || result.index() < firstDigestMismatch) {
                firstDigestMismatch = result.index();
            }
            if (options.oracles()) {
                fail("replica " + node + " applied a different history at index " + result.index()
                        + " (digest " + result.digest().shortHex() + ", others " + known.shortHex() + ")");
            }
        }
        appliedEntries.putIfAbsent(result.index(), result.entry().client() + "#" + result.entry().requestNumber());
        for (Outbox.Pending effect : result.effects()) {
            effects.put(effect.id(), effect.sink());
        }
        if (options.workload() == Workload.BANK) {
            checkMoney(node, result);
        }
    }

    private void checkMoney(int node, Executor.Result result) {
        long total = ((BankState) result.state()).total();
        long delta = 0;
        if (result.outcome() instanceof Outcome.Completed && !result.duplicate()
                && Envelope.kind(result.entry().payload()) == Envelope.COMMAND) {
            delta = switch (bank.commands().decode(Envelope.body(result.entry().payload()))) {
                case BankCommand.Deposit deposit -> deposit.amount();
                case BankCommand.Withdraw withdraw -> -withdraw.amount();
                case BankCommand.Transfer transfer -> 0;
            };
        }
        Long before = result.index() == 0 ? Long.valueOf(0) : totals.get(result.index() - 1);
        if (before != null && total != before + delta) {
            fail("replica " + node + ": money not conserved at index " + result.index() + ": total " + total
                    + " after " + before + " and a change of " + delta);
        }
        totals.putIfAbsent(result.index(), total);
    }

    long firstDigestMismatch() {
        return firstDigestMismatch;
    }

    /** A replica installed a snapshot received from a peer. */
    void snapshotInstalled() {
        installs++;
    }

    /** A replica that lost state counts against f until its recovery is complete and durable. */
    void checkReplica(int node, Replica replica, boolean durablyRecovering) {
        if (replica.status() == Replica.Status.NORMAL && !durablyRecovering && stateLost[node]) {
            stateLost[node] = false;
            trace(node, "recovered its state");
        }
    }

    void acknowledged(long index, UUID client, long requestNumber) {
        acknowledged.put(index, client + "#" + requestNumber);
    }

    // ---------------------------------------------------------------- the nemesis

    private void scheduleNemesis() {
        long at = 200_000_000;
        while (at < calmStartsAt) {
            long when = at;
            loop.at(when, this::fault);
            at += 50_000_000 + random.nextLong(400_000_000);
        }
    }

    private void fault() {
        faults++;
        int node = random.nextInt(options.replicas());
        SimNode target = nodes.get(node);
        int f = options.replicas() / 2;
        switch (random.nextInt(13)) {
            case 0, 1 -> crashAndRestart(target, 50_000_000 + random.nextLong(1_500_000_000));
            case 2 -> crashAndRestart(primary(), 50_000_000 + random.nextLong(1_000_000_000));
            case 3 -> {
                if (random.nextBoolean()) {
                    target.crashInsideStorage();
                } else {
                    target.failNextFsync();
                }
            }
            case 4 -> {
                trace(-1, "nemesis: every replica crashes");
                nodes.forEach(each -> crashAndRestart(each, 20_000_000 + random.nextLong(800_000_000)));
            }
            case 5 -> target.pause(100_000_000 + random.nextLong(1_500_000_000));
            case 6 -> partition();
            case 7 -> {
                int other = (node + 1 + random.nextInt(options.replicas() - 1)) % options.replicas();
                network.cut(node, other);
                trace(-1, "nemesis: link " + node + " -> " + other + " cut");
                loop.after(300_000_000 + random.nextLong(1_500_000_000), this::heal);
            }
            case 8 -> {
                network.degrade(0.05 + random.nextDouble() * 0.2, random.nextDouble() * 0.1,
                        1_000_000 + random.nextLong(40_000_000));
                trace(-1, "nemesis: network degraded");
                loop.after(500_000_000 + random.nextLong(2_000_000_000), () -> {
                    network.calm();
                    trace(-1, "nemesis: network calm");
                });
            }
            case 9 -> target.slowDisk(200_000_000 + random.nextLong(1_500_000_000));
            case 10 -> target.skewClock((random.nextBoolean() ? 1 : -1) * random.nextLong(5_000_000_000L));
            case 11, 12 -> {
                if (lostStateCount() < f && !stateLost[node]) {
                    stateLost[node] = true;
                    if (random.nextBoolean()) {
                        target.wipe();
                    } else {
                        target.crash();
                        target.rot(1 + random.nextInt(3));
                    }
                    loop.after(50_000_000 + random.nextLong(1_000_000_000), () -> restart(target));
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private long lostStateCount() {
        long count = 0;
        for (boolean lost : stateLost) {
            count += lost ? 1 : 0;
        }
        return count;
    }

    private SimNode primary() {
        for (SimNode node : nodes) {
            if (node.up() && node.node().replica().status() == Replica.Status.NORMAL
                    && node.node().replica().isPrimary()) {
                return node;
            }
        }
        return nodes.get(random.nextInt(nodes.size()));
    }

    private void crashAndRestart(SimNode node, long downNanos) {
        node.crash();
        loop.after(downNanos, () -> restart(node));
    }

    private void restart(SimNode node) {
        if (!node.up()) {
            node.start();
        }
    }

    private void partition() {
        List<Integer> order = new ArrayList<>();
        for (int id = 0; id < options.replicas(); id++) {
            order.add(id);
        }
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            order.set(i, order.set(j, order.get(i)));
        }
        int split = 1 + random.nextInt(options.replicas() - 1);
        List<Integer> side = order.subList(0, split);
        for (int a : side) {
            for (int b : order.subList(split, order.size())) {
                network.cut(a, b);
                network.cut(b, a);
            }
        }
        trace(-1, "nemesis: partition " + side + " | " + order.subList(split, order.size()));
        loop.after(300_000_000 + random.nextLong(2_000_000_000), this::heal);
    }

    private void heal() {
        network.heal();
        trace(-1, "nemesis: network healed");
    }

    private void calm() {
        trace(-1, "calm: faults stop, everything heals and restarts");
        network.heal();
        network.calm();
        for (SimNode node : nodes) {
            node.calm();
            restart(node);
        }
    }

    // ---------------------------------------------------------------- the end

    private void checkEnd() {
        if (!options.oracles()) {
            return;
        }
        for (SimClient client : clients) {
            if (client.busy()) {
                fail("liveness: client operation started at " + client.invokedAt() / 1_000_000
                        + " ms did not complete by the end of the calm phase; replicas: " + replicaStates());
            }
        }
        long[] applied = new long[options.replicas()];
        Hash[] digest = new Hash[options.replicas()];
        for (SimNode node : nodes) {
            if (!node.up()) {
                fail("replica " + node.id + " is down at the end");
            }
            Replica replica = node.node().replica();
            if (replica.status() != Replica.Status.NORMAL) {
                fail("liveness: replica " + node.id + " ends in " + replica.status() + " in view " + replica.view()
                        + "; replicas: " + replicaStates());
            }
            applied[node.id] = node.node().executor().appliedIndex();
            digest[node.id] = node.node().executor().digest();
        }
        for (int id = 1; id < options.replicas(); id++) {
            if (applied[id] != applied[0] || !digest[id].equals(digest[0])) {
                fail("replicas did not converge: applied " + Arrays.toString(applied));
            }
        }
        checkAcknowledged();
        checkEffects();
        if (options.workload() == Workload.KV) {
            Verdict verdict = LinearizabilityChecker.check(history.build(), Duration.ofSeconds(20));
            if (!verdict.isLinearizable()) {
                fail(verdict.explanation());
            }
        }
    }

    /**
     * Every effect of every committed entry reached its sink, exactly once where the sink is
     * exactly-once and at least once otherwise, and no outbox holds anything any more.
     */
    private void checkEffects() {
        for (SimNode node : nodes) {
            int left = node.node().executor().outbox().size();
            if (left > 0) {
                fail("liveness: replica " + node.id + " still has " + left + " effects in its outbox: "
                        + node.node().executor().outbox().all().getFirst());
            }
        }
        for (Map.Entry<EffectId, String> effect : effects.entrySet()) {
            RecordingSink sink = sinks.get(effect.getValue());
            int applied = sink.applied(effect.getKey());
            if (sink.guarantee() == EffectSink.Guarantee.EXACTLY_ONCE ? applied != 1 : applied < 1) {
                fail("effect " + effect.getKey() + " of sink " + sink.name() + " was applied " + applied + " times");
            }
        }
    }

    long suppressedDuplicates() {
        return sinks.values().stream().mapToLong(RecordingSink::suppressedDuplicates).sum();
    }

    private String replicaStates() {
        List<String> states = new ArrayList<>();
        for (SimNode node : nodes) {
            if (!node.up()) {
                states.add("r" + node.id + " down");
                continue;
            }
            Replica replica = node.node().replica();
            states.add("r" + node.id + " " + replica.status() + " view " + replica.view() + " op " + replica.op()
                    + " durable " + replica.durableOp() + " commit " + replica.commitIndex());
        }
        return String.join(", ", states);
    }

    /**
     * Every acknowledged write is, at its index, in the committed log every replica applied, and in
     * every replica's durable log unless compacted into its snapshots.
     */
    private void checkAcknowledged() {
        for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
            String applied = appliedEntries.get(ack.getKey());
            if (!ack.getValue().equals(applied)) {
                fail("acknowledged write " + ack.getValue() + " at index " + ack.getKey() + " was applied as "
                        + applied);
            }
        }
        for (SimNode node : nodes) {
            Log log = Log.open(new DryRunDisk(node.medium()), SimNode.LOG_OPTIONS).orElseThrow()
                    .log();
            for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
                if (ack.getKey() < log.firstIndex()) {
                    continue;
                }
                Entry entry;
                try {
                    entry = log.read(ack.getKey());
                } catch (EntryUnavailableException e) {
                    fail("acknowledged write " + ack.getValue() + " at index " + ack.getKey() + " is missing on replica "
                            + node.id + ": " + e.getMessage());
                    return;
                }
                String found = entry.client() + "#" + entry.requestNumber();
                if (!found.equals(ack.getValue())) {
                    fail("acknowledged write " + ack.getValue() + " at index " + ack.getKey() + " was replaced by "
                            + found + " on replica " + node.id);
                }
            }
        }
    }
}
