package io.chronon.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A replica's data directory: its manifest, its log and its snapshots, opened together and checked
 * against each other. Each file checks itself; this class checks what no single file can:
 * <ul>
 *   <li>a manifest whose commit index lies beyond the recovered log and the newest snapshot means
 *       committed entries were lost (for example the lost write of the last batch, which the log
 *       alone cannot see);</li>
 *   <li>a log that starts after the newest snapshot (or after index 0 without one) misses the
 *       entries between;</li>
 *   <li>a snapshot whose chain hash differs from the hash of the entry it claims to end at;</li>
 *   <li>a snapshot of another cluster.</li>
 * </ul>
 * A fresh directory is bootstrapped: log first, manifest last, so a manifest exists only for a
 * complete bootstrap, and an interrupted bootstrap (a log with no entry and no manifest) starts over.
 *
 * <p>The log can be replaced by an empty one that continues from a snapshot
 * ({@link #restartLogAfter}), when a replica installs a snapshot received from a peer or its own
 * log no longer connects to its snapshot.
 */
public final class DataDirectory implements AutoCloseable {

    private final Disk disk;
    private final LogOptions options;
    private final Manifest manifest;
    private Log log;
    private final SnapshotStore snapshots;
    private final List<RecoveryFinding> findings;
    private final boolean bootstrapped;

    private DataDirectory(Disk disk, LogOptions options, Manifest manifest, Log log, SnapshotStore snapshots,
                          List<RecoveryFinding> findings, boolean bootstrapped) {
        this.disk = disk;
        this.options = options;
        this.manifest = manifest;
        this.log = log;
        this.snapshots = snapshots;
        this.findings = List.copyOf(findings);
        this.bootstrapped = bootstrapped;
    }

    /**
     * Opens the directory on {@code disk}, bootstrapping it for a new cluster if it is empty.
     *
     * @param newClusterId where a new cluster id comes from, if this directory starts a cluster
     * @param newLogId     where the log's private id comes from, if the log is created here
     * @throws StorageCorruptionException if the manifest is damaged or the directory holds a log
     *                                    without a manifest or of another cluster
     */
    public static DataDirectory open(Disk disk, LogOptions options, Supplier<UUID> newClusterId,
                                     Supplier<UUID> newLogId) {
        return open(disk, options, newClusterId, newLogId, false);
    }

    /**
     * Like {@link #open(Disk, LogOptions, Supplier, Supplier)}, but an empty directory joins a cluster
     * that already exists (a replaced disk): its manifest says from the start, durably, that the
     * replica is recovering, so a crash before recovery completes cannot make an empty log look like
     * an intact one.
     */
    public static DataDirectory open(Disk disk, LogOptions options, Supplier<UUID> newClusterId,
                                     Supplier<UUID> newLogId, boolean joiningExistingCluster) {
        Optional<Manifest> existing = Manifest.open(disk);
        SnapshotStore snapshots = new SnapshotStore(disk);
        Optional<LogRecovery> recovery = Log.open(disk, options);
        if (existing.isEmpty()) {
            return bootstrap(disk, options, snapshots, recovery, newClusterId.get(), newLogId, joiningExistingCluster);
        }
        Manifest manifest = existing.get();
        List<RecoveryFinding> findings = new ArrayList<>();
        Log log;
        if (recovery.isPresent()) {
            log = recovery.get().log();
            findings.addAll(recovery.get().findings());
        } else {
            Optional<Snapshot> newest = snapshots.latest(error -> findings.add(new RecoveryFinding.SnapshotDamaged(
                    error.getMessage())));
            if (newest.isPresent()) {
                log = createLogAfter(disk, options, newest.get().meta(), newLogId.get());
                findings.add(new RecoveryFinding.LogMissing(newest.get().meta().index() + 1));
            } else if (manifest.state().recovering()) {
                // A replica already recovering everything from its peers was replacing its log from
                // scratch when it stopped: it goes on with an empty one.
                log = Log.create(disk, options, newLogId.get());
                disk.syncDirectory();
                findings.add(new RecoveryFinding.LogMissing(0));
            } else {
                throw new StorageCorruptionException(
                        "the manifest exists but the log is gone and no snapshot is left: this data directory is damaged");
            }
        }
        findings.addAll(crossCheck(manifest.state(), log, snapshots, findings));
        return new DataDirectory(disk, options, manifest, log, snapshots, findings, false);
    }

    private static DataDirectory bootstrap(Disk disk, LogOptions options, SnapshotStore snapshots,
                                           Optional<LogRecovery> recovery, UUID clusterId, Supplier<UUID> newLogId,
                                           boolean joiningExistingCluster) {
        if (recovery.isPresent()) {
            Log leftover = recovery.get().log();
            if (leftover.durableIndex() >= leftover.firstIndex()) {
                throw new StorageCorruptionException("the log holds entries " + leftover.firstIndex() + ".."
                        + leftover.durableIndex() + " but there is no manifest: this data directory is damaged");
            }
            // A bootstrap that a crash interrupted after creating the log: start it over.
            leftover.close();
            for (String name : disk.list()) {
                if (Segment.numberOf(name) >= 0) {
                    disk.delete(name);
                }
            }
            disk.syncDirectory();
        }
        if (!snapshots.indices().isEmpty()) {
            throw new StorageCorruptionException("there are snapshots but no manifest: this data directory is damaged");
        }
        Log log = Log.create(disk, options, newLogId.get());
        Manifest manifest = Manifest.create(disk, joiningExistingCluster ? ManifestState.joining(clusterId)
                : ManifestState.bootstrap(clusterId));
        return new DataDirectory(disk, options, manifest, log, snapshots, List.of(), true);
    }

    private static List<RecoveryFinding> crossCheck(ManifestState state, Log log, SnapshotStore snapshots,
                                                    List<RecoveryFinding> logFindings) {
        List<RecoveryFinding> found = new ArrayList<>();
        Optional<Snapshot> newest = snapshots.latest(
                error -> found.add(new RecoveryFinding.SnapshotDamaged(error.getMessage())));
        long covered = newest.map(snapshot -> snapshot.meta().index()).orElse(-1L);
        newest.ifPresent(snapshot -> {
            if (!snapshot.meta().clusterId().equals(state.clusterId())) {
                throw new StorageCorruptionException("snapshot " + snapshot.meta().index() + " belongs to cluster "
                        + snapshot.meta().clusterId() + ", not to " + state.clusterId());
            }
        });
        long first = log.firstIndex();
        if (first > covered + 1) {
            found.add(new RecoveryFinding.GapBeforeLog(covered + 1, first - 1));
        }
        long index = covered;
        if (newest.isPresent() && index >= first && index <= log.durableIndex() && !log.isDamaged(index)) {
            if (!log.read(index).hash().equals(newest.get().meta().chainHash())) {
                found.add(new RecoveryFinding.SnapshotDisagreesWithLog(index));
            }
        }
        long held = Math.max(covered, log.durableIndex());
        boolean tailAlreadyReported = logFindings.stream().anyMatch(RecoveryFinding.LostTail.class::isInstance);
        if (state.commitIndex() > held && !tailAlreadyReported) {
            found.add(new RecoveryFinding.CommittedEntriesMissing(held + 1, state.commitIndex()));
        }
        return found;
    }

    /**
     * Replaces the log by an empty one whose first entry will be {@code snapshot.index() + 1}, linking
     * to the snapshot's chain hash. The snapshot must be durable here first. The old segments are
     * deleted (the directory synced) before the new log is created: a crash in between leaves a
     * directory without a log, which {@link #open} continues from the snapshot.
     */
    public Log restartLogAfter(SnapshotMeta snapshot, UUID newLogId) {
        Invariants.check(snapshots.indices().contains(snapshot.index()),
                "the log restarts after snapshot %s, which is not durable here", snapshot.index());
        deleteLog();
        log = createLogAfter(disk, options, snapshot, newLogId);
        return log;
    }

    /**
     * Replaces the log by an empty one from index 0: this replica holds no usable state (its log was
     * compacted and no snapshot verifies) and must get all of it from its peers.
     */
    public Log restartLogFromScratch(UUID newLogId) {
        deleteLog();
        log = Log.create(disk, options, newLogId);
        disk.syncDirectory();
        return log;
    }

    private void deleteLog() {
        log.close();
        for (String name : disk.list()) {
            if (Segment.numberOf(name) >= 0) {
                disk.delete(name);
            }
        }
        disk.syncDirectory();
    }

    private static Log createLogAfter(Disk disk, LogOptions options, SnapshotMeta snapshot, UUID logId) {
        Log log = Log.create(disk, options, logId, snapshot.index() + 1, snapshot.chainHash());
        disk.syncDirectory();
        return log;
    }

    public Manifest manifest() {
        return manifest;
    }

    public Log log() {
        return log;
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    /** True if this open created the directory for a new cluster. */
    public boolean bootstrapped() {
        return bootstrapped;
    }

    /** Everything recovery and the cross-checks found. */
    public List<RecoveryFinding> findings() {
        return findings;
    }

    /** The findings that need repair from peers. */
    public List<RecoveryFinding.Damage> damage() {
        return findings.stream()
                .filter(RecoveryFinding.Damage.class::isInstance)
                .map(RecoveryFinding.Damage.class::cast)
                .toList();
    }

    @Override
    public void close() {
        log.close();
    }
}
