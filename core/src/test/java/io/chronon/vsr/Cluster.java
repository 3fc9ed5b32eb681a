package io.chronon.vsr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;

/**
 * A small, fully controlled cluster for targeted protocol tests: replicas with storage in memory,
 * messages in one queue that a test delivers, drops or blocks by link, and storage completions that
 * a test may hold back. Everything synchronous, so a scenario reads like its description.
 */
final class Cluster {
    static final UUID CLUSTER = new UUID(0xC1, 0x05);

    /** What survives a crash of one replica: its durable log and manifest state. */
    static final class Disk {
        final List<Entry> log = new ArrayList<>();
        Replica.SavedState state = new Replica.SavedState(0, 0, Message.NO_COMMIT, false);
    }

    record Envelope(int from, int to, Message message) {}

    final int size;
    final Replica[] replicas;
    final Disk[] disks;
    final boolean[] up;
    final List<List<Entry>> committed = new ArrayList<>();
    final List<Output> answers = new ArrayList<>();
    final ArrayDeque<Envelope> network = new ArrayDeque<>();
    final boolean[][] blocked;
    /** Per replica: storage outputs held back (when holdStorage is set), in order. */
    final List<ArrayDeque<Output>> heldStorage = new ArrayList<>();
    final boolean[] holdStorage;
    long clock = 1_000_000_000L;
    private long seed = 1;

    Cluster(int size) {
        this.size = size;
        this.replicas = new Replica[size];
        this.disks = new Disk[size];
        this.up = new boolean[size];
        this.blocked = new boolean[size][size];
        this.holdStorage = new boolean[size];
        for (int id = 0; id < size; id++) {
            disks[id] = new Disk();
            committed.add(new ArrayList<>());
            heldStorage.add(new ArrayDeque<>());
            start(id);
        }
    }

    static ReplicaConfig config(int size, int id) {
        return new ReplicaConfig(CLUSTER, size, id, 2, 10, 10, 5, 50, 64, 16, 64 * 1024, 100, 256 * 1024, 1024, 10,
                Set.of());
    }

    /** Starts (or restarts) a replica from its disk. */
    void start(int id) {
        Disk disk = disks[id];
        Entry last = disk.log.isEmpty() ? null : disk.log.getLast();
        Replica.RecentLog recent = new Replica.RecentLog(disk.log.size() - 1, last == null ? Hash.ZERO : last.hash(),
                last == null ? 0 : last.view(), last == null ? 0 : last.timestamp(), disk.log);
        long applied = Math.min(disk.state.commit(), disk.log.size() - 1);
        committed.get(id).clear();
        committed.get(id).addAll(disk.log.subList(0, (int) applied + 1));
        heldStorage.get(id).clear();
        replicas[id] = new Replica(config(size, id), disk.state, recent, applied, false, () -> clock, seed++);
        up[id] = true;
        drain(id);
    }

    void crash(int id) {
        up[id] = false;
        heldStorage.get(id).clear();
        network.removeIf(envelope -> envelope.to() == id);
    }

    Replica replica(int id) {
        return replicas[id];
    }

    /**
     * Ticks until a primary leads and every replica is normal in its view (a fresh cluster's first
     * view is 1: the primary of view 0 starts a view change, like any primary that starts), and
     * returns that primary.
     */
    int settle() {
        for (int round = 0; round < 500; round++) {
            int primary = primary();
            if (primary >= 0 && java.util.stream.IntStream.range(0, size).allMatch(id -> !up[id]
                    || replicas[id].status() == Replica.Status.NORMAL && replicas[id].view() == replicas[primary].view())) {
                return primary;
            }
            tick(1);
        }
        throw new AssertionError("the cluster did not settle");
    }

    /** The replica in normal status that is primary in the highest view, or −1. */
    int primary() {
        int found = -1;
        for (int id = 0; id < size; id++) {
            if (up[id] && replicas[id].status() == Replica.Status.NORMAL && replicas[id].isPrimary()
                    && (found < 0 || replicas[id].view() > replicas[found].view())) {
                found = id;
            }
        }
        return found;
    }

    void block(int from, int to) {
        blocked[from][to] = true;
    }

    void isolate(int id) {
        for (int other = 0; other < size; other++) {
            blocked[id][other] = true;
            blocked[other][id] = true;
        }
    }

    void heal() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
    }

    // ---------------------------------------------------------------- driving

    void submit(int id, long requestId, UUID client, long requestNumber, byte[] payload) {
        replicas[id].submit(new Replica.Request(requestId, client, requestNumber, payload));
        drain(id);
    }

    void read(int id, long readId) {
        read(id, readId, ReadConsistency.LINEARIZABLE);
    }

    void read(int id, long readId, ReadConsistency consistency) {
        replicas[id].read(readId, consistency);
        drain(id);
    }

    /** Delivers messages until none are left (blocked links drop theirs). */
    void deliverAll() {
        int guard = 0;
        while (!network.isEmpty()) {
            Invariants.check(guard++ < 1_000_000, "messages never stop");
            Envelope envelope = network.poll();
            if (!up[envelope.to()] || blocked[envelope.from()][envelope.to()]) {
                continue;
            }
            replicas[envelope.to()].receive(envelope.message());
            drain(envelope.to());
        }
    }

    /** Ticks every running replica {@code ticks} times, delivering all messages after each tick. */
    void tick(int ticks) {
        for (int i = 0; i < ticks; i++) {
            clock += 10_000_000;
            for (int id = 0; id < size; id++) {
                if (up[id]) {
                    replicas[id].tick();
                    drain(id);
                }
            }
            deliverAll();
        }
    }

    /** Completes the storage outputs held back for a replica. */
    void releaseStorage(int id) {
        holdStorage[id] = false;
        while (!heldStorage.get(id).isEmpty()) {
            perform(id, heldStorage.get(id).poll());
        }
    }

    private void drain(int id) {
        for (Output output : replicas[id].drainOutputs()) {
            switch (output) {
                case Output.Send send -> network.add(new Envelope(id, send.to(), send.message()));
                case Output.Persist persist -> storage(id, persist);
                case Output.Truncate truncate -> storage(id, truncate);
                case Output.SaveState save -> storage(id, save);
                case Output.Load load -> storage(id, load);
                case Output.Commit commit -> {
                    List<Entry> mine = committed.get(id);
                    for (Entry entry : commit.entries()) {
                        Invariants.check(entry.index() == mine.size(), "replica %s committed %s after %s", id,
                                entry.index(), mine.size() - 1);
                        mine.add(entry);
                    }
                }
                default -> answers.add(output);
            }
        }
    }

    private void storage(int id, Output output) {
        if (holdStorage[id]) {
            heldStorage.get(id).add(output);
            return;
        }
        perform(id, output);
    }

    private void perform(int id, Output output) {
        Disk disk = disks[id];
        StorageEvent event = switch (output) {
            case Output.Persist persist -> {
                for (Entry entry : persist.entries()) {
                    Invariants.check(entry.index() == disk.log.size(), "persist of %s after %s", entry.index(),
                            disk.log.size() - 1);
                    disk.log.add(entry);
                }
                yield new StorageEvent.Persisted(disk.log.size() - 1);
            }
            case Output.Truncate truncate -> {
                disk.log.subList((int) truncate.afterIndex() + 1, disk.log.size()).clear();
                yield new StorageEvent.Truncated(truncate.afterIndex());
            }
            case Output.SaveState save -> {
                disk.state = new Replica.SavedState(save.view(), save.lastNormalView(),
                        Math.max(disk.state.commit(), save.commit()), save.recovering());
                yield new StorageEvent.StateSaved(save.view(), save.lastNormalView(), save.commit());
            }
            case Output.Load load -> new StorageEvent.Loaded(load.forReplica(), load.first(),
                    disk.log.subList((int) load.first(), (int) Math.min(load.last() + 1, disk.log.size())));
            default -> throw new IllegalStateException(output.toString());
        };
        replicas[id].storage(event);
        drain(id);
    }

    /** Answers of a kind, for assertions. */
    <T extends Output> List<T> answers(Class<T> kind) {
        return answers.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
