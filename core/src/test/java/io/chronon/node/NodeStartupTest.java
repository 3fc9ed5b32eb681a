package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.LogOptions;
import io.chronon.engine.MemoryDisk;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import io.chronon.kernel.EmittingApplication;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;
import io.chronon.vsr.Output;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Restarting a node from its data directory: the newest snapshot that verifies and connects, the
 * log replayed to the commit point, and the fallbacks when something is missing or damaged.
 */
class NodeStartupTest {
    private static final UUID CLUSTER = new UUID(1, 1);
    private static final LogOptions LOG = new LogOptions(32 * 1024, 8 * 1024, 1024);
    /** A snapshot every 10 entries, 3 entries of history kept below the newest. */
    private static final SnapshotOptions SNAPSHOTS = new SnapshotOptions(10, 1 << 30, 3, 16);
    private static final ReplicaConfig CONFIG = new ReplicaConfig(CLUSTER, 1, 0, 2, 10, 10, 5, 50, 64, 16, 64 * 1024,
            100, 256 * 1024, 1024, 10, Set.of());

    private final MemoryDisk disk = new MemoryDisk();
    private final AtomicLong ids = new AtomicLong();
    /** What a replica that applied every entry holds: the reference for every restart. */
    private final Executor<Long, String, String, String> reference = executor();
    private final List<Entry> entries = new ArrayList<>();

    private static Executor<Long, String, String, String> executor() {
        return new Executor<>(new EmittingApplication(), 8, CLUSTER);
    }

    private DataDirectory open() {
        return DataDirectory.open(disk, LOG, () -> CLUSTER, () -> new UUID(2, ids.incrementAndGet()));
    }

    /** Writes {@code count} committed entries through the node's storage, snapshotting as a node does. */
    private void run(int count) {
        try (DataDirectory data = open()) {
            NodeStorage storage = new NodeStorage(data, reference.application(), SNAPSHOTS,
                    () -> new UUID(2, ids.incrementAndGet()), HaltPoint.Hook.NEVER);
            for (int i = 0; i < count; i++) {
                long index = entries.size();
                Entry entry = Entry.create(index, 1, 1_000 * index, new UUID(3, 3), index + 1,
                        Envelope.command(("emit " + (index % 3)).getBytes(StandardCharsets.UTF_8)),
                        entries.isEmpty() ? Hash.ZERO : entries.getLast().hash());
                entries.add(entry);
                storage.perform(new Output.Persist(List.of(entry)));
                long before = reference.appliedBytes();
                reference.apply(entry);
                if (SNAPSHOTS.snapshotAfter(index, before, reference.appliedBytes())) {
                    storage.takeSnapshot(reference.checkpoint());
                }
                storage.recordCommit(index);
            }
        }
    }

    /**
     * A peer that applied every entry so far and then, in view 2, entries up to {@code end}
     * (exclusive) that this node never received.
     */
    private Executor<Long, String, String, String> peerAhead(long end, String command) {
        Executor<Long, String, String, String> peer = executor();
        entries.forEach(peer::apply);
        for (long index = entries.size(); index < end; index++) {
            Entry entry = Entry.create(index, 2, 1_000 * index, new UUID(3, 3), index + 1,
                    Envelope.command(command.getBytes(StandardCharsets.UTF_8)), entries.getLast().hash());
            entries.add(entry);
            peer.apply(entry);
        }
        return peer;
    }

    private NodeStartup.Started restart() {
        return NodeStartup.start(open(), executor(), CONFIG, EffectOptions.DEFAULTS, SNAPSHOTS, () -> 1_000L, 7,
                () -> new UUID(2, ids.incrementAndGet()), result -> { });
    }

    private void damageSnapshot(long index) {
        String name = String.format("snapshot-%020d.snap", index);
        disk.flipBit(name, disk.size(name) - 5, 3);
    }

    @Test
    void aRestartContinuesFromTheNewestSnapshotAndReplaysTheCommittedRest() {
        run(95);
        NodeStartup.Started started = restart();
        assertEquals(89, started.snapshot().index());
        assertEquals(5, started.replayed());
        assertFalse(started.recovering());
        Executor<?, ?, ?, ?> executor = started.node().executor();
        assertEquals(94, executor.appliedIndex());
        assertEquals(reference.digest(), executor.digest());
        assertEquals(reference.state(), executor.state());
        assertEquals(reference.outbox(), executor.outbox());
        assertTrue(started.node().replica().snapshot().index() == 89, "the replica can offer the snapshot to peers");
    }

    @Test
    void theLogIsCompactedBelowTheOlderSnapshotKeepingTheRetainedHistory() {
        run(95);
        try (DataDirectory data = open()) {
            assertEquals(List.of(79L, 89L), data.snapshots().indices(), "the newest two snapshots are kept");
            long first = data.log().firstIndex();
            assertTrue(first > 0 && first <= 80, "compacted, but the log still reaches the older snapshot: " + first);
        }
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToTheOlderOne() {
        run(95);
        damageSnapshot(89);
        NodeStartup.Started started = restart();
        assertEquals(79, started.snapshot().index());
        assertEquals(15, started.replayed());
        assertEquals(reference.digest(), started.node().executor().digest());
        assertTrue(started.notes().stream().anyMatch(note -> note.startsWith("snapshot 89 skipped")),
                started.notes().toString());
    }

    @Test
    void withNoUsableSnapshotACompactedReplicaRecoversEverythingFromItsPeers() {
        run(95);
        damageSnapshot(89);
        damageSnapshot(79);
        NodeStartup.Started started = restart();
        assertNull(started.snapshot());
        assertTrue(started.recovering(), "it must not vote or acknowledge before its peers give its state back");
        assertEquals(Replica.Status.RECOVERING, started.node().replica().status());
        assertEquals(-1, started.node().executor().appliedIndex());
        try (DataDirectory data = open()) {
            assertTrue(data.manifest().state().recovering(), "durably");
            assertEquals(0, data.log().firstIndex());
        }
    }

    @Test
    void aSnapshotReceivedBeyondTheLogRestartsTheLogAfterIt() {
        run(12);
        Executor<Long, String, String, String> peer = peerAhead(30, "emit 1");
        try (DataDirectory data = open()) {
            new NodeStorage(data, peer.application(), SNAPSHOTS, () -> new UUID(2, ids.incrementAndGet()),
                    HaltPoint.Hook.NEVER).takeSnapshot(peer.checkpoint());
        }
        NodeStartup.Started started = restart();
        assertEquals(29, started.snapshot().index());
        assertEquals(peer.digest(), started.node().executor().digest());
        assertEquals(29, started.node().replica().op());
        assertFalse(started.recovering(), "it held nothing after the snapshot, so it lost nothing");
        assertTrue(started.notes().contains("the log ends before snapshot 29: it restarts after the snapshot"),
                started.notes().toString());
    }

    /** Removes the log's segments, as a crash inside {@code restartLogAfter} leaves the directory. */
    private void removeLogSegments() {
        for (String name : disk.list()) {
            if (name.startsWith("log-")) {
                disk.delete(name);
            }
        }
    }

    /** Found by simulator seed 151811: a crash while the log was being replaced left the replica recovering for good. */
    @Test
    void aLogMissingRightAfterTheNewestSnapshotWasBeingReplacedAndLosesNothing() {
        run(12);
        Executor<Long, String, String, String> peer = peerAhead(30, "emit 1");
        try (DataDirectory data = open()) {
            new NodeStorage(data, peer.application(), SNAPSHOTS, () -> new UUID(2, ids.incrementAndGet()),
                    HaltPoint.Hook.NEVER).takeSnapshot(peer.checkpoint());
        }
        removeLogSegments();
        NodeStartup.Started started = restart();
        assertEquals(29, started.snapshot().index());
        assertFalse(started.recovering(), started.notes().toString());
        assertEquals(29, started.node().replica().op());
        assertEquals(peer.digest(), started.node().executor().digest());
    }

    @Test
    void aLogMissingBehindAnOlderSnapshotMayHaveHeldAcknowledgedEntries() {
        run(95);
        damageSnapshot(89);
        removeLogSegments();
        NodeStartup.Started started = restart();
        assertEquals(79, started.snapshot().index());
        assertTrue(started.recovering(), started.notes().toString());
    }

    /** A node killed at a halt point. */
    private static final class Halted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Halted(HaltPoint point) {
            super(point.name(), null, false, false);
        }
    }

    @Test
    void aCrashBetweenASnapshotAndTheCompactionLosesNothing() {
        run(89);
        try (DataDirectory data = open()) {
            NodeStorage storage = new NodeStorage(data, reference.application(), SNAPSHOTS,
                    () -> new UUID(2, ids.incrementAndGet()), point -> {
                        throw new Halted(point);
                    });
            Entry entry = Entry.create(89, 1, 89_000, new UUID(3, 3), 90,
                    Envelope.command("emit 1".getBytes(StandardCharsets.UTF_8)), entries.getLast().hash());
            entries.add(entry);
            storage.perform(new Output.Persist(List.of(entry)));
            reference.apply(entry);
            storage.recordCommit(89);
            Halted halted = assertThrows(Halted.class,
                    () -> storage.takeSnapshot(reference.checkpoint()));
            assertEquals(HaltPoint.AFTER_SNAPSHOT_BEFORE_COMPACTION.name(), halted.getMessage());
        }
        NodeStartup.Started started = restart();
        assertEquals(89, started.snapshot().index());
        assertEquals(reference.digest(), started.node().executor().digest());
    }

    @ParameterizedTest
    @EnumSource(value = HaltPoint.class, names = {"AFTER_RECEIVED_SNAPSHOT_BEFORE_LOG_RESTART",
            "AFTER_LOG_RESTART_BEFORE_MANIFEST"})
    void aCrashWhileInstallingAReceivedSnapshotRestartsIntoItsState(HaltPoint haltAt) throws Exception {
        run(12);
        Executor<Long, String, String, String> peer = peerAhead(40, "emit 2");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        KernelSnapshot.write(peer.checkpoint(), peer.application(), body);
        byte[] bytes = body.toByteArray();
        SnapshotInfo offered = new SnapshotInfo(new SnapshotMeta(CLUSTER, 1, 39, 2, entries.getLast().hash(),
                39_000), bytes.length, Hash.sha256(bytes));
        try (DataDirectory data = open()) {
            NodeStorage storage = new NodeStorage(data, peer.application(), SNAPSHOTS,
                    () -> new UUID(2, ids.incrementAndGet()), point -> {
                        if (point == haltAt) {
                            throw new Halted(point);
                        }
                    });
            int half = bytes.length / 2;
            assertEquals(new StorageEvent.SnapshotChunkWritten(39, half), storage.perform(new Output.WriteSnapshotChunk(
                    offered, 0, Arrays.copyOfRange(bytes, 0, half))));
            assertEquals(new StorageEvent.SnapshotRefused(39, "chunk at 3 does not continue the body received so far"),
                    storage.perform(new Output.WriteSnapshotChunk(offered, 3, new byte[] {1})));
            assertEquals(new StorageEvent.SnapshotChunkWritten(39, bytes.length), storage.perform(
                    new Output.WriteSnapshotChunk(offered, half, Arrays.copyOfRange(bytes, half, bytes.length))));
            assertThrows(Halted.class,
                    () -> storage.install(new Output.InstallSnapshot(offered)));
        }
        NodeStartup.Started started = restart();
        assertEquals(39, started.snapshot().index());
        assertEquals(peer.digest(), started.node().executor().digest());
        assertEquals(39, started.node().replica().op());
    }
}
