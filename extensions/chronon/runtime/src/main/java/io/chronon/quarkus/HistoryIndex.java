package io.chronon.quarkus;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.Invariants;
import io.chronon.engine.Log;
import io.chronon.engine.LogReader;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Executor;

/**
 * Time travel over one replica's history: the application state after any retained index, and the
 * applied results of any range of entries, rebuilt from the nearest checkpoint below plus a replay
 * of the log.
 *
 * <p>Checkpoints are the executor's own immutable {@link Executor.Checkpoint}s (state, sessions,
 * outbox: references to persistent structures, so keeping one costs only what changed since the
 * last), taken on the replica's loop thread every {@code spacing} applied entries, from the state the
 * node started from onwards. A query restores a private executor from the checkpoint at or below
 * the index it needs and applies the committed entries after it, read and verified from the log on
 * the caller's thread: never more than {@code spacing} entries beyond what it returns. The live
 * replica is not touched: the application's {@code apply} is a pure function of its arguments.
 *
 * <p>The retained history starts at the oldest snapshot on disk (storage keeps the log rooted
 * there; at genesis while the log was never compacted). After a restart, the history below the
 * state the node started from is indexed again in the background ({@link #warmUp}). What lies below
 * the oldest snapshot is gone: the caller hears the earliest index still available
 * ({@link Unavailable}).
 */
public final class HistoryIndex {
    private final ChrApplication<?, ?, ?, ?> application;
    private final UUID cluster;
    private final int sessionCapacity;
    private final Log log;
    private final int spacing;
    private final int kept;
    private final LongSupplier appliedIndex;
    private final Snapshots snapshots;
    private final ConcurrentSkipListMap<Long, Executor.Checkpoint> checkpoints = new ConcurrentSkipListMap<>();

    /** The snapshots on disk, readable from any thread (the storage thread may delete one meanwhile). */
    interface Snapshots {
        /** The index of the oldest snapshot on disk, or -1 if there is none. */
        long oldest();

        /** The kernel state of the snapshot at {@code index}. */
        Executor.Checkpoint read(long index);
    }

    /** An index outside what the history can rebuild: below {@code earliest}, or beyond {@code latest}. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient long earliest;
        private final transient long latest;
        private final transient boolean compacted;

        public Unavailable(String message, long earliest, long latest, boolean compacted) {
            super(message);
            this.earliest = earliest;
            this.latest = latest;
            this.compacted = compacted;
        }

        public long earliest() {
            return earliest;
        }

        public long latest() {
            return latest;
        }

        /** True when the index is gone (compacted, or before this node's oldest state), false when it is in the future. */
        public boolean compacted() {
            return compacted;
        }
    }

    /**
     * @param spacing        applied entries between two checkpoints: the most a query replays
     * @param kept           the most checkpoints kept (the oldest are dropped first)
     * @param appliedIndex   the replica's applied index, readable from any thread
     * @param snapshots      the snapshots on disk: the oldest is where the retained history starts
     */
    HistoryIndex(ChrApplication<?, ?, ?, ?> application, UUID cluster, int sessionCapacity, Log log, int spacing,
                 int kept, LongSupplier appliedIndex, Snapshots snapshots) {
        if (spacing < 1 || kept < 1) {
            throw new IllegalArgumentException("spacing " + spacing + ", kept " + kept);
        }
        this.application = application;
        this.cluster = cluster;
        this.sessionCapacity = sessionCapacity;
        this.log = log;
        this.spacing = spacing;
        this.kept = kept;
        this.appliedIndex = appliedIndex;
        this.snapshots = snapshots;
    }

    /** Called on the replica's loop thread after it applied entries (or installed a snapshot). */
    void applied(Executor<?, ?, ?, ?> executor) {
        long index = executor.appliedIndex();
        if (index < 0) {
            return;
        }
        Map.Entry<Long, Executor.Checkpoint> latest = checkpoints.lastEntry();
        Invariants.check(latest == null || index >= latest.getKey(), "applied index %s is below the checkpoint at %s",
                index, latest == null ? null : latest.getKey());
        if (latest == null || index >= latest.getKey() + spacing) {
            checkpoints.put(index, executor.checkpoint());
            long logStart = log.firstIndex();
            while (checkpoints.size() > kept || checkpoints.firstKey() + 1 < logStart) {
                // Too many, or the log no longer holds the entries after it: of no use any more.
                checkpoints.pollFirstEntry();
            }
        }
    }

    /**
     * The earliest index whose state can be rebuilt, or -1 if none can: 0 while the log was never
     * compacted, else the oldest snapshot on disk, where the retained log starts (storage keeps the
     * log rooted at a snapshot). Checkpoints below it are not used, so that what is available does
     * not depend on whether the node restarted.
     */
    public long earliest() {
        return log.firstIndex() == 0 ? 0 : snapshots.oldest();
    }

    /** The earliest entry whose applied result can be rebuilt (the one after the earliest state), or -1. */
    public long earliestEntry() {
        if (log.firstIndex() == 0) {
            return 0;
        }
        long earliest = earliest();
        return earliest < 0 ? -1 : earliest + 1;
    }

    public long latest() {
        return appliedIndex.getAsLong();
    }

    /** The application's state after entry {@code index}, as {@link ChrApplication#view} shows it. */
    public Object viewAt(long index) {
        Executor<?, ?, ?, ?> executor = replayTo(index, null);
        return view(executor.checkpoint().state());
    }

    /** The state before the first entry, if the history still starts there (the log was never compacted), else null. */
    public Object genesisView() {
        return log.firstIndex() == 0 ? view(application.genesis()) : null;
    }

    /** A state (as a {@link Executor.Result} or checkpoint holds it), as {@link ChrApplication#view} shows it. */
    public Object viewOf(Object state) {
        return view(state);
    }

    /**
     * The applied-state digests after each of {@code indices} (ascending, within the retained history),
     * rebuilt by one replay that also verifies every entry's checksum and hash link.
     *
     * @throws Unavailable if an index is outside the retained history
     */
    public Hash[] digests(long[] indices) {
        if (indices.length == 0) {
            return new Hash[0];
        }
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("indices must ascend: " + indices[i - 1] + ", " + indices[i]);
            }
        }
        Hash[] digests = new Hash[indices.length];
        int[] next = {0};
        // Only the digests are kept: a range of many entries is not held in memory.
        replay(indices[0], indices[indices.length - 1], result -> {
            if (result.index() == indices[next[0]]) {
                digests[next[0]++] = result.digest();
            }
        });
        Invariants.check(next[0] == indices.length, "replayed %s of %s digests", next[0], indices.length);
        return digests;
    }

    /**
     * Writes a {@link HistoryBundle} of entries {@code from} to {@code to}: the state before them,
     * the entries as the log holds them and the digests this replica reaches.
     */
    public void export(OutputStream out, String applicationName, String applicationVersion, long from, long to,
                       Consumer<String> progress) throws IOException {
        if (from > to) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        Executor.Checkpoint base = null;
        if (from > 0) {
            Executor<?, ?, ?, ?> before = replayTo(from - 1, null);
            base = before.appliedIndex() < 0 ? null : before.checkpoint();
        } else if (log.firstIndex() > 0) {
            throw new Unavailable("index 0 is no longer available: the history starts at index " + earliest(),
                    earliest(), latest(), true);
        }
        if (to > latest()) {
            throw new Unavailable("index " + to + " is beyond the applied history, which ends at " + latest(),
                    earliest(), latest(), false);
        }
        try (LogReader reader = log.reader(from, to)) {
            HistoryBundle.write(out, cluster, applicationName, applicationVersion, application, sessionCapacity, base,
                    reader, from, to, progress);
        }
    }

    /** The applied results of entries {@code from} to {@code to}, as the replica applied them. */
    public List<Executor.Result> results(long from, long to) {
        List<Executor.Result> results = new ArrayList<>();
        replay(from, to, results::add);
        return results;
    }

    /** Hands the applied result of each entry {@code from} to {@code to}, in order, to {@code each}. */
    private void replay(long from, long to, Consumer<Executor.Result> each) {
        if (from > to) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        replayTo(to, new Collector(from, each));
    }

    private Executor<?, ?, ?, ?> genesis() {
        return new Executor<>(application, sessionCapacity, cluster);
    }

    /**
     * Fills the checkpoints below the ones the node took since it started: replays the retained log
     * from its start (genesis when the log was never compacted, else the oldest snapshot the log
     * continues), taking a checkpoint every {@code spacing} entries, so that old indices are as quick
     * to rebuild as recent ones. Runs on a thread of its own after the node started; reports progress.
     */
    void warmUp(Consumer<String> progress) {
        Map.Entry<Long, Executor.Checkpoint> first = checkpoints.firstEntry();
        if (first == null) {
            return;
        }
        Executor<?, ?, ?, ?> executor;
        long root = snapshots.oldest();
        if (log.firstIndex() == 0) {
            executor = genesis();
        } else if (root >= 0 && root + 1 >= log.firstIndex()) {
            Executor.Checkpoint oldest = snapshots.read(root);
            executor = genesis().restoredFrom(oldest);
            checkpoints.putIfAbsent(oldest.index(), oldest);
        } else {
            return;
        }
        long target = first.getKey();
        if (executor.appliedIndex() + spacing >= target) {
            return;
        }
        long total = target - executor.appliedIndex();
        progress.accept("indexing " + total + " entries of history below index " + target + " for time travel");
        long done = 0;
        try (LogReader reader = log.reader(executor.appliedIndex() + 1, target)) {
            while (reader.hasNext()) {
                executor.apply(reader.next());
                done++;
                if (executor.appliedIndex() % spacing == 0 && executor.appliedIndex() < target) {
                    checkpoints.putIfAbsent(executor.appliedIndex(), executor.checkpoint());
                }
                if (done % 100_000 == 0) {
                    progress.accept("indexed " + done + " of " + total + " entries of history");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Object view(Object state) {
        return ((ChrApplication<Object, ?, ?, ?>) application).view(state);
    }

    private record Collector(long from, Consumer<Executor.Result> each) {}

    /**
     * A private executor restored from the checkpoint at or below the start of what is asked, then
     * driven through the committed entries up to {@code index}.
     */
    private Executor<?, ?, ?, ?> replayTo(long index, Collector collector) {
        long latest = latest();
        long earliest = earliest();
        long start = collector == null ? index : collector.from() - 1;
        if (index > latest) {
            throw new Unavailable("index " + index + " is beyond the applied history, which ends at " + latest,
                    earliest, latest, false);
        }
        Map.Entry<Long, Executor.Checkpoint> floor = checkpoints.floorEntry(start);
        Executor<?, ?, ?, ?> executor;
        if (floor != null && earliest >= 0 && floor.getKey() >= earliest && floor.getKey() + 1 >= log.firstIndex()) {
            executor = genesis().restoredFrom(floor.getValue());
        } else if (log.firstIndex() == 0) {
            executor = genesis();
        } else if (earliest >= 0 && start >= earliest) {
            // The root of the retained history is on disk: start there, and keep it as a checkpoint.
            Executor.Checkpoint root = snapshots.read(earliest);
            checkpoints.putIfAbsent(root.index(), root);
            executor = genesis().restoredFrom(root);
        } else {
            throw new Unavailable("index " + (collector == null ? index : collector.from()) + " is no longer"
                    + " available: the history starts at index " + earliest, earliest, latest, true);
        }
        if (executor.appliedIndex() < index) {
            try (LogReader reader = log.reader(executor.appliedIndex() + 1, index)) {
                while (reader.hasNext()) {
                    Entry entry = reader.next();
                    Executor.Result result = executor.apply(entry);
                    if (collector != null && entry.index() >= collector.from()) {
                        collector.each().accept(result);
                    }
                }
            } catch (EntryUnavailableException e) {
                if (e.reason() == EntryUnavailableException.Reason.COMPACTED) {
                    throw new Unavailable("index " + index + " is no longer available: " + e.getMessage(), earliest(),
                            latest, true);
                }
                throw e;
            }
        }
        return executor;
    }
}
