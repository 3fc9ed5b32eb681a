package io.chronon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.chronon.engine.Entry;
import io.chronon.engine.FileDisk;
import io.chronon.engine.Hash;
import io.chronon.engine.SnapshotMeta;
import io.chronon.engine.SnapshotStore;
import io.chronon.examples.bank.BankApplication;
import io.chronon.examples.bank.BankCommand;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;
import org.HdrHistogram.Histogram;

/**
 * How long taking a snapshot stops the apply loop. The bank is filled with many accounts, then
 * transfers are applied one by one; every {@code every} entries the loop takes a checkpoint (a
 * reference to the immutable state) and hands it to a writer thread, which encodes it and writes
 * a real snapshot file with fsync while the loop goes on. Printed: the checkpoint pause, the apply
 * latency per entry with snapshots being written beside it and without, and the time to write one
 * snapshot.
 *
 * <pre>
 * ./mvnw -q -B -pl core,examples,bench -am package -DskipTests
 * $JAVA_HOME/bin/java -cp bench/target/benchmarks.jar io.chronon.bench.SnapshotPauseBenchmark
 * </pre>
 *
 * System properties: {@code chronon.bench.accounts} (1,000,000), {@code chronon.bench.entries}
 * (400,000 transfers per phase), {@code chronon.bench.every} (50,000 entries between snapshots),
 * {@code chronon.bench.dir} (where the snapshot files go, on a real disk).
 */
public final class SnapshotPauseBenchmark {
    private static final UUID CLUSTER = new UUID(0xBE, 0x4C);

    private SnapshotPauseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int accounts = Integer.getInteger("chronon.bench.accounts", 1_000_000);
        int entries = Integer.getInteger("chronon.bench.entries", 400_000);
        int every = Integer.getInteger("chronon.bench.every", 50_000);
        Path directory = BenchSupport.baseDirectory().resolve("snapshot-pause");
        BenchSupport.deleteRecursively(directory);
        SnapshotStore store = new SnapshotStore(FileDisk.open(directory, false));

        BankApplication bank = new BankApplication();
        Executor<?, ?, ?, ?> executor = new Executor<>(bank, 1024, CLUSTER);
        Log log = new Log();
        long started = System.nanoTime();
        for (int account = 0; account < accounts; account++) {
            executor.apply(log.next(bank, new BankCommand.Deposit(name(account), 1_000_000)));
        }
        System.out.printf(Locale.ROOT, "filled %,d accounts in %.1f s%n", accounts, (System.nanoTime() - started) / 1e9);

        Transfers transfers = new Transfers(executor, bank, log, new SplittableRandom(42), accounts);
        Histogram baseline = new Histogram(3);
        transfers.apply(entries, baseline, null, 0, null);

        Histogram withSnapshots = new Histogram(3);
        Histogram pauses = new Histogram(3);
        Histogram writes = new Histogram(3);
        long[] bytes = new long[1];
        try (ExecutorService writer = Executors.newSingleThreadExecutor()) {
            SnapshotWriter snapshots = checkpoint -> writer.submit(() -> {
                long begin = System.nanoTime();
                bytes[0] = write(store, bank, checkpoint);
                writes.recordValue(System.nanoTime() - begin);
            });
            transfers.apply(entries, withSnapshots, pauses, every, snapshots).forEach(SnapshotPauseBenchmark::await);
        }

        System.out.printf(Locale.ROOT, "%,d accounts, snapshot every %,d entries, %,d transfers per phase%n",
                accounts, every, entries);
        print("checkpoint pause (apply loop stopped)", pauses);
        print("apply per entry, no snapshots", baseline);
        print("apply per entry, snapshots written beside", withSnapshots);
        print("write one snapshot (encode + fsync), writer thread", writes);
        System.out.printf(Locale.ROOT, "snapshot size: %.1f MiB%n", bytes[0] / 1048576.0);
    }

    /** Something that writes a checkpoint on another thread. */
    private interface SnapshotWriter {
        Future<?> take(Executor.Checkpoint checkpoint);
    }

    /** Random transfers between the filled accounts, applied one at a time and timed. */
    private record Transfers(Executor<?, ?, ?, ?> executor, BankApplication bank, Log log, SplittableRandom random,
                             int accounts) {
        List<Future<?>> apply(int count, Histogram latency, Histogram pauses, int every, SnapshotWriter snapshots) {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Entry entry = log.next(bank, new BankCommand.Transfer(name(random.nextInt(accounts)),
                        name(random.nextInt(accounts)), 1 + random.nextInt(100)));
                long begin = System.nanoTime();
                executor.apply(entry);
                long applied = System.nanoTime();
                latency.recordValue(applied - begin);
                if (snapshots != null && i % every == 0) {
                    Executor.Checkpoint checkpoint = executor.checkpoint();
                    pauses.recordValue(System.nanoTime() - applied);
                    writes.add(snapshots.take(checkpoint));
                }
            }
            return writes;
        }
    }

    private static void await(Future<?> future) {
        try {
            future.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("a snapshot write failed", e);
        }
    }

    private static long write(SnapshotStore store, BankApplication bank, Executor.Checkpoint checkpoint) {
        SnapshotMeta meta = new SnapshotMeta(CLUSTER, bank.snapshotSchemaVersion(), checkpoint.index(),
                checkpoint.entryView(), checkpoint.entryHash(), checkpoint.entryTimestamp());
        long length;
        try (SnapshotStore.Writer writer = store.begin(meta)) {
            KernelSnapshot.write(checkpoint, bank, writer.asStream());
            length = writer.length();
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.deleteBefore(checkpoint.index());
        return length;
    }

    private static String name(int account) {
        return String.format(Locale.ROOT, "account-%07d", account);
    }

    private static void print(String what, Histogram histogram) {
        System.out.printf(Locale.ROOT, "%-50s p50 %9.1f µs  p99 %9.1f µs  p999 %9.1f µs  max %9.1f µs  (n=%d)%n",
                what, histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3,
                histogram.getTotalCount());
    }

    /** The log the executor applies: entries chained as a replica's would be. */
    private static final class Log {
        private long index;
        private Hash previous = Hash.ZERO;

        Entry next(BankApplication bank, BankCommand command) {
            Entry entry = Entry.create(index, 1, 1_700_000_000_000_000_000L + index, new UUID(1, index % 64),
                    index / 64 + 1, Envelope.command(bank.commands().encode(command)), previous);
            index++;
            previous = entry.hash();
            return entry;
        }
    }
}
