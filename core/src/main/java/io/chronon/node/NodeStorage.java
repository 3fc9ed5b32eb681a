package io.chronon.node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.Entry;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.Invariants;
import io.chronon.engine.Log;
import io.chronon.engine.ManifestState;
import io.chronon.engine.Snapshot;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import io.chronon.engine.SnapshotStore;
import io.chronon.engine.StorageCorruptionException;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;
import io.chronon.vsr.Output;
import io.chronon.vsr.StorageEvent;

/**
 * Performs a node's storage work on its data directory, synchronously, one operation at a time in
 * the order the node asked: the replica's storage outputs, snapshots and compaction, and the commit
 * checkpoints that let a restart notice a lost tail. Every driver (the production node, the
 * simulator) runs its storage through this class, on whatever thread and with whatever latency it
 * has, so that what reaches the disk is the same everywhere.
 *
 * <p>A failed {@code fsync} or any I/O error propagates: the process must crash and recover, never
 * retry (the page cache can no longer be trusted).
 */
public final class NodeStorage {
    private final DataDirectory data;
    private final ChrApplication<?, ?, ?, ?> application;
    private final SnapshotOptions options;
    private final Supplier<UUID> logIds;
    private final HaltPoint.Hook halts;
    /** The snapshot being received from a peer, chunk by chunk, or null. */
    private SnapshotStore.Writer receiving;

    /**
     * @param logIds a fresh id for each log this directory gets (when the log restarts after a snapshot)
     * @param halts  what to do at the {@link HaltPoint}s of storage work ({@link HaltPoint.Hook#NEVER} in production)
     */
    public NodeStorage(DataDirectory data, ChrApplication<?, ?, ?, ?> application, SnapshotOptions options,
                       Supplier<UUID> logIds, HaltPoint.Hook halts) {
        this.data = data;
        this.application = application;
        this.options = options;
        this.logIds = logIds;
        this.halts = halts;
    }

    public DataDirectory data() {
        return data;
    }

    /**
     * Performs one item of storage work (on the driver's storage thread) and returns what to tell
     * the node once it is done (on the node's thread).
     */
    public Consumer<Node> perform(StorageWork work) {
        return switch (work) {
            case StorageWork.RecordCommit record -> {
                recordCommit(record.commit());
                yield node -> { };
            }
            case StorageWork.Compaction compaction -> {
                StorageEvent.SnapshotSaved saved = compactUnder(compaction.snapshotIndex());
                yield node -> node.snapshotTaken(saved);
            }
            case StorageWork.ReplicaOutput(Output.InstallSnapshot install) -> {
                Executor.Checkpoint checkpoint = install(install);
                yield node -> node.snapshotInstalled(install.snapshot(), checkpoint);
            }
            case StorageWork.ReplicaOutput(Output output) -> {
                StorageEvent event = perform(output);
                yield node -> node.storage(event);
            }
        };
    }

    /**
     * Performs one of the replica's storage outputs and returns the event to report to the node.
     * {@link Output.InstallSnapshot} goes to {@link #install} instead.
     */
    public StorageEvent perform(Output output) {
        Log log = data.log();
        return switch (output) {
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
            case Output.Load load -> new StorageEvent.Loaded(load.forReplica(), load.first(), load(load));
            case Output.LoadSnapshotChunk load -> {
                byte[] chunk;
                try {
                    chunk = data.snapshots().readChunk(load.index(), load.offset(), load.maxBytes());
                } catch (StorageCorruptionException e) {
                    chunk = null;
                }
                yield new StorageEvent.SnapshotChunkLoaded(load.forReplica(), load.index(), load.offset(), chunk);
            }
            case Output.WriteSnapshotChunk write -> receive(write);
            default -> throw new IllegalArgumentException("not a storage output: " + output);
        };
    }

    private List<Entry> load(Output.Load load) {
        List<Entry> entries = new ArrayList<>();
        for (long index = load.first(); index <= load.last(); index++) {
            try {
                entries.add(data.log().read(index));
            } catch (EntryUnavailableException e) {
                break; // compacted meanwhile, damaged or not yet written: the peer asks again
            }
        }
        return entries;
    }

    private StorageEvent receive(Output.WriteSnapshotChunk write) {
        SnapshotInfo snapshot = write.snapshot();
        if (write.offset() == 0) {
            if (receiving != null) {
                receiving.close();
            }
            receiving = data.snapshots().begin(snapshot.meta());
        }
        if (receiving == null || !receiving.meta().equals(snapshot.meta()) || receiving.length() != write.offset()) {
            return new StorageEvent.SnapshotRefused(snapshot.index(), "chunk at " + write.offset()
                    + " does not continue the body received so far");
        }
        receiving.write(ByteBuffer.wrap(write.data()));
        long end = receiving.length();
        if (end == snapshot.bodyBytes()) {
            SnapshotStore.Writer complete = receiving;
            receiving = null;
            try {
                complete.commit(snapshot.bodyHash());
            } catch (StorageCorruptionException e) {
                return new StorageEvent.SnapshotRefused(snapshot.index(), e.getMessage());
            }
        }
        return new StorageEvent.SnapshotChunkWritten(snapshot.index(), end);
    }

    /**
     * Continues from a received snapshot (durable and verified): the log restarts empty after it,
     * older snapshots go, the manifest records its index as committed. Returns the state to give
     * {@link Node#snapshotInstalled}.
     */
    public Executor.Checkpoint install(Output.InstallSnapshot install) {
        Snapshot snapshot = data.snapshots().read(install.snapshot().index());
        SnapshotMeta meta = snapshot.meta();
        ManifestState current = data.manifest().state();
        if (!meta.clusterId().equals(current.clusterId())) {
            throw new StorageCorruptionException("received snapshot " + meta.index() + " belongs to cluster "
                    + meta.clusterId() + ", not to " + current.clusterId());
        }
        Executor.Checkpoint checkpoint = KernelSnapshot.read(new ByteArrayInputStream(snapshot.body()), application);
        halts.reached(HaltPoint.AFTER_RECEIVED_SNAPSHOT_BEFORE_LOG_RESTART);
        data.restartLogAfter(meta, logIds.get());
        halts.reached(HaltPoint.AFTER_LOG_RESTART_BEFORE_MANIFEST);
        data.snapshots().deleteBefore(meta.index());
        if (current.commitIndex() < meta.index()) {
            data.manifest().update(current.withCommitIndex(meta.index()));
        }
        return checkpoint;
    }

    /**
     * Writes a snapshot of {@code checkpoint}, then compacts: the log keeps at least
     * {@link SnapshotOptions#retainEntries} entries below the new snapshot, and always starts right
     * after a snapshot that is kept (the <em>root</em>: the newest older snapshot at or below that
     * retention point), so that every retained entry can be replayed from a state on disk, after a
     * restart too (time travel), and a damaged newest snapshot can fall back to an older one.
     * Snapshots older than the root are deleted. Until a snapshot falls below the retention point,
     * nothing is compacted. Returns what to give {@link Node#snapshotTaken}.
     */
    public StorageEvent.SnapshotSaved takeSnapshot(Executor.Checkpoint checkpoint) {
        writeSnapshot(checkpoint);
        return compactUnder(checkpoint.index());
    }

    /**
     * Writes the checkpoint's snapshot durably, then deletes the snapshots below the root of the
     * retained history it leaves. A driver may call it on a thread of its own while the log's work
     * goes on (the checkpoint is immutable and the snapshot files are not the log's), as long as no
     * other work on the snapshots (installing or receiving one, a compaction) runs meanwhile; then
     * {@link StorageWork.Compaction} finishes the job in the storage queue.
     */
    public void writeSnapshot(Executor.Checkpoint checkpoint) {
        SnapshotMeta meta = new SnapshotMeta(data.manifest().state().clusterId(), application.snapshotSchemaVersion(),
                checkpoint.index(), checkpoint.entryView(), checkpoint.entryHash(), checkpoint.entryTimestamp());
        try (SnapshotStore.Writer writer = data.snapshots().begin(meta)) {
            KernelSnapshot.write(checkpoint, application, writer.asStream());
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("writing snapshot " + checkpoint.index(), e);
        }
        halts.reached(HaltPoint.AFTER_SNAPSHOT_BEFORE_COMPACTION);
        long root = retainedRoot(checkpoint.index());
        if (root >= 0) {
            data.snapshots().deleteBefore(root);
        }
    }

    /**
     * Compacts the log under the root of the retained history that the durable snapshot at
     * {@code index} leaves (the snapshots below it went with {@link #writeSnapshot}).
     */
    public StorageEvent.SnapshotSaved compactUnder(long index) {
        Invariants.check(data.snapshots().indices().contains(index), "compaction under snapshot %s, which is not"
                + " durable here", index);
        long root = retainedRoot(index);
        Log log = data.log();
        if (root >= 0 && root >= log.firstIndex()) {
            log.compactThrough(root);
        }
        return new StorageEvent.SnapshotSaved(data.snapshots().info(index), data.log().firstIndex());
    }

    /**
     * The newest snapshot older than {@code index} at or below the start of the history retained
     * under it: what time travel starts from once the snapshot at {@code index} exists; -1 if none.
     */
    private long retainedRoot(long index) {
        long retainFrom = index - options.retainEntries();
        long root = -1;
        for (long held : data.snapshots().indices()) {
            if (held < index && held <= retainFrom) {
                root = held;
            }
        }
        return root;
    }

    /** Records in the manifest that entries through {@code commit} are committed (never beyond the durable log). */
    public void recordCommit(long commit) {
        ManifestState current = data.manifest().state();
        long durable = Math.min(commit, data.log().durableIndex());
        if (durable > current.commitIndex()) {
            data.manifest().update(current.withCommitIndex(durable));
        }
    }
}
