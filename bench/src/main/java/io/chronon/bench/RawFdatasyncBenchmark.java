package io.chronon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.sun.nio.file.ExtendedOpenOption;
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

/**
 * The baseline for {@link LogAppendBenchmark}: how many write + fdatasync pairs per second the
 * same disk does when each write is exactly as large as one batch of the log would be for the same
 * {@code (batchSize, payloadBytes)} (see {@link BenchSupport#batchExtentBytes}), with no hashing,
 * encoding or bookkeeping. One operation = one write + one {@code force(false)}, so the score is
 * writes/s.
 *
 * <p>The file is preallocated by writing zeros (not sparse, not fallocate'd, so no write has to
 * allocate blocks or convert unwritten extents) and made durable before measurement, as the log
 * does with its segments. Each write goes to the next 4 KiB-aligned position after the previous
 * one, wrapping around to the start of the file at its end. With {@code directIo} the write goes
 * through a second channel opened with O_DIRECT and the fdatasync through the ordinary one, just
 * as {@code FileDisk} does, so each log row has a baseline of the same write path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RawFdatasyncBenchmark {

    static final String FILE_SIZE_PROPERTY = "chronon.bench.rawFileMiB";
    private static final int BLOCK = BenchSupport.BLOCK_BYTES;
    private static final int FILL_BYTES = 1 << 20;

    @Param({"1", "8", "64", "512"})
    public int batchSize;

    @Param({"128", "1024"})
    public int payloadBytes;

    @Param({"false", "true"})
    public boolean directIo;

    private Path directory;
    private FileChannel channel;
    private FileChannel writeChannel;
    private ByteBuffer buffer;
    private int extentBytes;
    private long fileBytes;
    private long position;

    @Setup(Level.Trial)
    public void open() throws IOException {
        extentBytes = BenchSupport.batchExtentBytes(batchSize, payloadBytes);
        long wanted = Long.getLong(FILE_SIZE_PROPERTY, 256) << 20;
        // At least a few extents, and a whole number of them so the wrap-around needs no check of the tail.
        fileBytes = Math.max(4, wanted / extentBytes) * extentBytes;
        directory = BenchSupport.freshDirectory(
                "raw-b" + batchSize + "-p" + payloadBytes + (directIo ? "-direct" : "-buffered"));
        Path file = directory.resolve("raw.dat");
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(FILL_BYTES + BLOCK).alignedSlice(BLOCK);
        for (long at = 0; at < fileBytes; at += FILL_BYTES) {
            zeros.clear().limit((int) Math.min(FILL_BYTES, fileBytes - at));
            long to = at;
            while (zeros.hasRemaining()) {
                to += channel.write(zeros, to);
            }
        }
        channel.force(true);
        if (directIo) {
            try {
                writeChannel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            } catch (IOException | UnsupportedOperationException e) {
                throw new IllegalStateException("O_DIRECT was asked for but the file system under " + directory
                        + " refuses it; put -D" + BenchSupport.DIR_PROPERTY + " on a real disk", e);
            }
        } else {
            writeChannel = channel;
        }
        // Random content, so that nothing below the file system can shortcut zero blocks.
        byte[] content = new byte[extentBytes];
        new Random(42).nextBytes(content);
        buffer = ByteBuffer.allocateDirect(extentBytes + BLOCK).alignedSlice(BLOCK);
        buffer.put(content).flip();
        position = 0;
    }

    @Benchmark
    public long writeAndFdatasync() {
        if (position + extentBytes > fileBytes) {
            position = 0;
        }
        buffer.clear().limit(extentBytes);
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                at += writeChannel.write(buffer, at);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        position += extentBytes;
        return position;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (writeChannel != null && writeChannel != channel) {
            writeChannel.close();
        }
        if (channel != null) {
            channel.close();
        }
        BenchSupport.deleteRecursively(directory);
    }
}
