package io.chronon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.chronon.engine.FileDisk;
import io.chronon.engine.Log;
import io.chronon.engine.LogOptions;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Group commit of the storage engine: one writer thread appends {@code batchSize} entries of
 * {@code payloadBytes} each to a {@link Log} on a {@link FileDisk} and calls {@link Log#barrier()}
 * once, which writes them as one batch and issues one fdatasync.
 *
 * <p><b>How entries/s is reported.</b> JMH cannot take {@code @OperationsPerInvocation} from a
 * {@code @Param}, so one benchmark operation is one batch (append {@code batchSize} entries +
 * barrier) and the primary score is <em>batches/s</em>. The entry rate comes from the
 * {@link Entries} state, an {@code @AuxCounters(Type.OPERATIONS)} counter that each invocation
 * raises by {@code batchSize}: JMH divides it by the iteration time and reports it as the
 * secondary result {@code appendAndBarrier:entries}, in entries/s. {@link StorageBenchmarkReport}
 * reads that secondary result.
 *
 * <p><b>Segment rollover is kept out of the measured time; the segment is preallocated before
 * measurement starts.</b> Creating a segment preallocates it by writing zeros (hundreds of MiB) and
 * would dominate any iteration it fell into. The trial starts with a 256 MiB segment. Once the
 * first warmup iteration has shown the batch rate, the setup of the second (untimed) checks whether
 * the segment has room for the rest of the trial at twice the highest rate seen so far (the first
 * iteration, still compiling, is often the slowest); if not, it closes the log and creates a fresh
 * one sized for that, whose only segment is zero-filled right there. So the zero-fill, and the
 * deletion of the old log, happen before the last warmup iteration, which absorbs their
 * after-effects on the device, as the raw baseline's warmup absorbs the zero-fill of its file.
 * Segments are capped at {@code -Dchronon.bench.maxSegmentMiB} (default 8192); should a later
 * iteration still lack room (the cap, or a rate far above the estimate), its setup replaces the
 * log again and says so on stdout. Rollovers that nonetheless happen inside an iteration are
 * counted by the {@link Rollovers} events counter, reported as
 * {@code appendAndBarrier:segmentRollovers} and shown in the report; it should be 0 for measured
 * iterations.
 *
 * <p>Files go to a fresh directory per trial under {@code -Dchronon.bench.dir} (default
 * {@code target/bench-data}; it must be on the real disk, not tmpfs), deleted at teardown.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LogAppendBenchmark {

    static final String MAX_SEGMENT_PROPERTY = "chronon.bench.maxSegmentMiB";
    private static final long MIB = 1L << 20;
    private static final long MIN_SEGMENT_BYTES = 256 * MIB;
    private static final double HEADROOM = 2.0;
    private static final long DEFAULT_MAX_SEGMENT_MIB = 8192;

    @Param({"1", "8", "64", "512"})
    public int batchSize;

    @Param({"128", "1024"})
    public int payloadBytes;

    @Param({"false", "true"})
    public boolean directIo;

    /** Entries made durable; as an OPERATIONS counter JMH reports it per second: entries/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Entries {
        public long entries;

        @Setup(Level.Iteration)
        public void reset() {
            entries = 0;
        }
    }

    /** Segments created inside the timed part of an iteration (should be 0 in measured iterations). */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Rollovers {
        public long segmentRollovers;

        @Setup(Level.Iteration)
        public void reset() {
            segmentRollovers = 0;
        }
    }

    private final UUID client = UUID.randomUUID();
    private byte[] payload;
    private int extentBytes;
    private long maxSegmentBytes;

    private Path trialDirectory;
    private int logsCreated;
    private Path logDirectory;
    private Log log;
    private long requestNumber;
    /** Batches the current segment still has room for; the log rolls over when this reaches 0. */
    private long batchesLeftInSegment;
    private long segmentBytes;

    private long iterationStartNanos;
    private long iterationStartBarriers;
    /** The highest batch rate any iteration of this trial reached so far. */
    private double maxBatchesPerSecond = -1;
    private boolean sizedForTrial;
    private int warmupIterationsDone;
    private int measurementIterationsDone;

    @Setup(Level.Trial)
    public void openTrial() {
        payload = new byte[payloadBytes];
        new Random(42).nextBytes(payload);
        extentBytes = BenchSupport.batchExtentBytes(batchSize, payloadBytes);
        maxSegmentBytes = Long.getLong(MAX_SEGMENT_PROPERTY, DEFAULT_MAX_SEGMENT_MIB) * MIB;
        trialDirectory = BenchSupport.freshDirectory(
                "log-b" + batchSize + "-p" + payloadBytes + (directIo ? "-direct" : "-buffered"));
        checkExtentFormula();
        openFreshLog(MIN_SEGMENT_BYTES);
    }

    @Setup(Level.Iteration)
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        if (maxBatchesPerSecond > 0) {
            long restOfTrial = batchesFor(remainingSeconds(benchmark));
            if (!sizedForTrial) {
                sizedForTrial = true;
                if (restOfTrial > batchesLeftInSegment) {
                    openFreshLog(segmentBytesFor(restOfTrial));
                }
            } else if (batchesFor(seconds(iteration.getTime())) > batchesLeftInSegment) {
                openFreshLog(segmentBytesFor(restOfTrial));
            }
        }
        iterationStartBarriers = log.barrierCount();
        iterationStartNanos = System.nanoTime();
    }

    @Benchmark
    public long appendAndBarrier(Entries entries, Rollovers rollovers) {
        for (int i = 0; i < batchSize; i++) {
            requestNumber++;
            log.append(1, requestNumber, client, requestNumber, payload);
        }
        if (batchesLeftInSegment == 0) {
            // This barrier does not fit the segment: the log creates (and zero-fills) the next one.
            rollovers.segmentRollovers++;
            batchesLeftInSegment = batchesPerSegment(segmentBytes);
        }
        batchesLeftInSegment--;
        long durable = log.barrier();
        entries.entries += batchSize;
        return durable;
    }

    @TearDown(Level.Iteration)
    public void afterIteration(IterationParams iteration) {
        long nanos = System.nanoTime() - iterationStartNanos;
        long batches = log.barrierCount() - iterationStartBarriers;
        maxBatchesPerSecond = Math.max(maxBatchesPerSecond, batches / (nanos / 1e9));
        if (iteration.getType() == IterationType.WARMUP) {
            warmupIterationsDone++;
        } else {
            measurementIterationsDone++;
        }
    }

    /** Seconds of iterations still to run in this trial, the coming one included. */
    private double remainingSeconds(BenchmarkParams benchmark) {
        IterationParams warmup = benchmark.getWarmup();
        IterationParams measurement = benchmark.getMeasurement();
        return Math.max(0, warmup.getCount() - warmupIterationsDone) * seconds(warmup.getTime())
                + Math.max(0, measurement.getCount() - measurementIterationsDone) * seconds(measurement.getTime());
    }

    private static double seconds(TimeValue time) {
        return time.convertTo(TimeUnit.NANOSECONDS) / 1e9;
    }

    /** Batches to leave room for over {@code seconds}, with headroom over the best rate seen. */
    private long batchesFor(double seconds) {
        return (long) Math.ceil(maxBatchesPerSecond * seconds * HEADROOM) + 16;
    }

    private long segmentBytesFor(long batches) {
        long bytes = BenchSupport.align(LogOptions.BLOCK_BYTES + batches * extentBytes, LogOptions.BLOCK_BYTES);
        return Math.min(maxSegmentBytes, Math.max(MIN_SEGMENT_BYTES, bytes));
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
        if (log != null) {
            log.close();
            log = null;
        }
        BenchSupport.deleteRecursively(trialDirectory);
    }

    private void openFreshLog(long bytes) {
        if (log != null) {
            log.close();
            BenchSupport.deleteRecursively(logDirectory);
            System.out.printf("%n(untimed: replaced the log by a fresh one with a %d MiB segment)%n", bytes >> 20);
        }
        logDirectory = trialDirectory.resolve("log-" + ++logsCreated);
        FileDisk disk = openDisk(logDirectory);
        LogOptions options = new LogOptions(bytes, LogOptions.DEFAULTS.maxBatchBytes(),
                LogOptions.DEFAULTS.maxPayloadBytes());
        log = Log.create(disk, options, UUID.randomUUID()); // preallocates segment 0: untimed here
        segmentBytes = bytes;
        batchesLeftInSegment = batchesPerSegment(bytes);
    }

    private FileDisk openDisk(Path directory) {
        FileDisk disk = FileDisk.open(directory, directIo);
        if (directIo && disk.directIoAlignment() <= 1) {
            throw new IllegalStateException("O_DIRECT was asked for but the file system under " + directory
                    + " refuses it; put -D" + BenchSupport.DIR_PROPERTY + " on a real disk");
        }
        return disk;
    }

    /** A segment's first block holds its header; batches follow back to back. */
    private long batchesPerSegment(long bytes) {
        return (bytes - LogOptions.BLOCK_BYTES) / extentBytes;
    }

    /**
     * Checks, before anything is timed, that {@link BenchSupport#batchExtentBytes} (which sizes the
     * raw fdatasync baseline's writes) agrees with the log: after two batches in a fresh log, the
     * second batch's header magic must sit exactly one extent after the first.
     */
    private void checkExtentFormula() {
        Path directory = trialDirectory.resolve("extent-check");
        Log check = Log.create(openDisk(directory), new LogOptions(16 * MIB, LogOptions.DEFAULTS.maxBatchBytes(),
                LogOptions.DEFAULTS.maxPayloadBytes()), UUID.randomUUID());
        try {
            for (int batch = 0; batch < 2; batch++) {
                for (int i = 0; i < batchSize; i++) {
                    check.append(1, i, client, i, payload);
                }
                check.barrier();
            }
        } finally {
            check.close();
        }
        int batchMagic = 0x42524843; // "CHRB", io.chronon.engine.BatchHeader.HEADER_MAGIC
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> segments = files.filter(Files::isRegularFile).toList();
            if (segments.size() != 1) {
                throw new IllegalStateException("expected one segment file in " + directory + ": " + segments);
            }
            try (FileChannel channel = FileChannel.open(segments.getFirst(), StandardOpenOption.READ)) {
                ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                for (long position : new long[] {LogOptions.BLOCK_BYTES, LogOptions.BLOCK_BYTES + extentBytes}) {
                    channel.read(word.clear(), position + 4);
                    if (word.getInt(0) != batchMagic) {
                        throw new IllegalStateException("no batch header at " + position + ": the extent formula ("
                                + extentBytes + " bytes for " + batchSize + " x " + payloadBytes
                                + " B) disagrees with the log");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BenchSupport.deleteRecursively(directory);
    }
}
