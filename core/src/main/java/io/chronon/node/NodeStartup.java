package io.chronon.node;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Log;
import io.chronon.engine.LogReader;
import io.chronon.engine.ManifestState;
import io.chronon.engine.RecoveryFinding;
import io.chronon.engine.Snapshot;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import io.chronon.engine.StorageCorruptionException;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;

/**
 * Starts a node from its data directory after a crash or a clean stop (there is no difference):
 * the newest snapshot that verifies and connects to the log, then the log replayed up to the commit
 * point the manifest recorded.
 *
 * <ul>
 *   <li>A snapshot that fails verification is skipped for an older one; one the log does not reach
 *       (compacted past it) too.</li>
 *   <li>A log that ends before the chosen snapshot, or disagrees with it, restarts empty after it:
 *       the snapshot holds committed state, the log entries it replaces were either in it or never
 *       committed. A disagreement makes the replica recover (it may have acknowledged them).</li>
 *   <li>No usable snapshot while the log starts past index 0: nothing here can rebuild the state;
 *       the log restarts empty and the replica recovers everything from its peers.</li>
 *   <li>Damage after the snapshot cuts the log before its first damaged entry; the replica records
 *       (durably, before cutting) that it is recovering, and will not vote or acknowledge until its
 *       peers have given back what it may have lost.</li>
 * </ul>
 */
public final class NodeStartup {
    /** The node, and what starting it found and did, in words for the log. */
    public record Started(Node node, SnapshotInfo snapshot, long replayed, boolean recovering, List<String> notes) {}

    private enum Connection { CONTINUES, LOG_BEHIND, DISAGREES, GAP }

    private NodeStartup() {
    }

    /**
     * @param genesis  a new executor of the application at genesis (it carries the application,
     *                 the cluster id and the session capacity)
     * @param replayed receives each entry's result as the log is replayed (checkers, time travel)
     */
    public static Started start(DataDirectory data, Executor<?, ?, ?, ?> genesis, ReplicaConfig config,
                                EffectOptions effects, SnapshotOptions snapshots, LongSupplier clock, long seed,
                                Supplier<UUID> logIds, Consumer<Executor.Result> replayed) {
        List<String> notes = new ArrayList<>();
        boolean recovering = false;
        Log log = data.log();
        Snapshot snapshot = null;
        Connection connection = Connection.CONTINUES;
        List<Long> indices = new ArrayList<>(data.snapshots().indices());
        for (int i = indices.size() - 1; i >= 0 && snapshot == null; i--) {
            try {
                Snapshot candidate = data.snapshots().read(indices.get(i));
                Connection found = connection(log, candidate.meta());
                if (found == Connection.GAP) {
                    notes.add("snapshot " + indices.get(i) + " skipped: the log starts at " + log.firstIndex());
                    continue;
                }
                snapshot = candidate;
                connection = found;
            } catch (StorageCorruptionException e) {
                notes.add("snapshot " + indices.get(i) + " skipped: " + e.getMessage());
            }
        }

        long base = snapshot == null ? -1 : snapshot.meta().index();
        List<RecoveryFinding.Damage> damage = new ArrayList<>();
        for (RecoveryFinding.Damage found : data.damage()) {
            if (replacedLog(found, data, base, !indices.isEmpty() && base == indices.getLast())) {
                notes.add("the log was being replaced after snapshot " + base + " when the process stopped: it"
                        + " held nothing acknowledged beyond the snapshot");
            } else {
                damage.add(found);
            }
        }
        if (!damage.isEmpty()) {
            notes.add("storage damage: " + damage);
        }
        if (snapshot != null && connection != Connection.CONTINUES) {
            // Damage in entries the snapshot covers goes with the old log; damage beyond it may have
            // hidden entries this replica acknowledged.
            boolean damageBeyond = damage.stream().anyMatch(found -> found.lastIndex() > base);
            recovering |= connection == Connection.DISAGREES || damageBeyond;
            markRecovering(data, recovering);
            log = data.restartLogAfter(snapshot.meta(), logIds.get());
            notes.add("the log " + (connection == Connection.LOG_BEHIND ? "ends before" : "disagrees with")
                    + " snapshot " + base + ": it restarts after the snapshot");
        } else if (snapshot == null && log.firstIndex() > 0) {
            recovering = true;
            markRecovering(data, true);
            log = data.restartLogFromScratch(logIds.get());
            notes.add("no usable snapshot and the log starts at " + log.firstIndex()
                    + ": the whole state must come from peers");
        } else {
            long firstDamaged = Long.MAX_VALUE;
            for (RecoveryFinding.Damage found : damage) {
                if (found.lastIndex() > base) {
                    firstDamaged = Math.min(firstDamaged, Math.max(found.firstIndex(), base + 1));
                }
            }
            if (firstDamaged != Long.MAX_VALUE) {
                recovering = true;
                // Recorded before the log is cut: a crash in between must not leave a short log that
                // looks intact.
                markRecovering(data, true);
                long keep = Math.min(log.durableIndex(), Math.max(firstDamaged - 1, Math.max(base, log.firstIndex() - 1)));
                if (keep < log.durableIndex()) {
                    log.truncateAfter(keep);
                    notes.add("the log is cut after " + keep + ", before its first damaged entry");
                }
            }
        }

        Executor<?, ?, ?, ?> executor = genesis;
        if (snapshot != null) {
            executor = genesis.restoredFrom(KernelSnapshot.read(new ByteArrayInputStream(snapshot.body()),
                    genesis.application()));
            notes.add("state restored from snapshot " + base);
        }
        ManifestState manifest = data.manifest().state();
        long applyThrough = Math.min(manifest.commitIndex(), log.durableIndex());
        long replayedCount = 0;
        // The replica keeps the most recent entries in memory, and needs every entry not yet applied.
        List<Entry> recent = new ArrayList<>();
        long readFrom = Math.max(Math.max(executor.appliedIndex() + 1 - config.memoryMaxEntries(), log.firstIndex()),
                base + 1);
        if (log.durableIndex() >= readFrom) {
            try (LogReader reader = log.reader(readFrom, log.durableIndex())) {
                while (reader.hasNext()) {
                    Entry entry = reader.next();
                    if (entry.index() > executor.appliedIndex() && entry.index() <= applyThrough) {
                        replayed.accept(executor.apply(entry));
                        replayedCount++;
                    }
                    recent.add(entry);
                }
            }
        }
        if (replayedCount > 0) {
            notes.add("replayed " + replayedCount + " committed entries");
        }
        long applied = executor.appliedIndex();
        long op = log.durableIndex();
        Hash opHash = log.lastHash();
        long lastView = recent.isEmpty() ? 0 : recent.getLast().view();
        long lastTimestamp = recent.isEmpty() ? 0 : recent.getLast().timestamp();
        if (snapshot != null && op == base) {
            lastView = snapshot.meta().view();
            lastTimestamp = snapshot.meta().timestamp();
        }
        Replica replica = new Replica(config, new Replica.SavedState(manifest.view(), manifest.lastNormalView(),
                Math.min(manifest.commitIndex(), applied), manifest.recovering()),
                new Replica.RecentLog(op, opHash, lastView, lastTimestamp, recent), applied,
                recovering, clock, seed);
        Node node = new Node(replica, executor, effects, snapshots, seed ^ 0x5DEECE66DL);
        SnapshotInfo info = null;
        if (snapshot != null) {
            info = new SnapshotInfo(snapshot.meta(), snapshot.body().length, snapshot.bodyHash());
            node.storage(new StorageEvent.SnapshotSaved(info, log.firstIndex()));
        }
        return new Started(node, info, replayedCount, replica.status() == Replica.Status.RECOVERING, notes);
    }

    private static Connection connection(Log log, SnapshotMeta snapshot) {
        long index = snapshot.index();
        if (log.firstIndex() > index + 1) {
            return Connection.GAP;
        }
        if (index > log.durableIndex()) {
            return Connection.LOG_BEHIND;
        }
        Hash held = log.knownHash(index);
        return snapshot.chainHash().equals(held) ? Connection.CONTINUES : Connection.DISAGREES;
    }

    /**
     * A log missing right after the newest snapshot, while the manifest does not say recovering: a
     * crash interrupted {@link DataDirectory#restartLogAfter}, between removing the old log and
     * creating the new one. Its callers make that harmless: a received snapshot is installed only
     * when this log lacks or disagrees with entries the snapshot covers, so nothing it acknowledged
     * that could be committed lies beyond the snapshot (an acknowledgement of entry j vouches, by the
     * hash chain, for every entry before j); a start-up restart over a log that disagrees with the
     * snapshot marks the manifest recovering first. A log missing behind an older snapshot (the newest
     * did not verify) may have held acknowledged entries, and stays damage.
     */
    private static boolean replacedLog(RecoveryFinding.Damage found, DataDirectory data, long base,
                                       boolean newestSnapshot) {
        return found instanceof RecoveryFinding.LogMissing missing && missing.firstIndex() == base + 1
                && newestSnapshot && !data.manifest().state().recovering();
    }

    private static void markRecovering(DataDirectory data, boolean recovering) {
        if (recovering && !data.manifest().state().recovering()) {
            data.manifest().update(data.manifest().state().withRecovering(true));
        }
    }
}
