package io.chronon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the benchmarks share: where their files go, and the on-disk size of one batch. Public for the
 * cluster benchmark ({@code io.chronon.bench.cluster}).
 */
public final class BenchSupport {
    /** System property naming the directory the benchmarks write under. It must be on a real disk. */
    static final String DIR_PROPERTY = "chronon.bench.dir";
    static final String DEFAULT_DIR = "target/bench-data";

    static final int BLOCK_BYTES = 4096;
    static final int BATCH_HEADER_BYTES = 128;
    static final int ENTRY_HEADER_BYTES = 128;

    private BenchSupport() {}

    /** The base directory, absolute, created if missing. */
    public static Path baseDirectory() {
        Path base = Paths.get(System.getProperty(DIR_PROPERTY, DEFAULT_DIR)).toAbsolutePath();
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create benchmark directory " + base, e);
        }
        return base;
    }

    /** A fresh, empty directory under the base directory. */
    public static Path freshDirectory(String prefix) {
        try {
            return Files.createTempDirectory(baseDirectory(), prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + baseDirectory(), e);
        }
    }

    public static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /**
     * The bytes one batch of {@code entries} entries of {@code payloadBytes} each occupies on disk,
     * by the same formula as the log (io.chronon.engine.LogOptions.batchExtentBytes, which is not
     * public): batch header 128 B, each entry 128 B of header plus its payload, body rounded up to
     * 8 B, trailer 128 B, the whole rounded up to 4 KiB.
     */
    static int batchExtentBytes(int entries, int payloadBytes) {
        long body = (long) entries * (ENTRY_HEADER_BYTES + payloadBytes);
        long written = align(align(BATCH_HEADER_BYTES + body, 8) + BATCH_HEADER_BYTES, BLOCK_BYTES);
        return Math.toIntExact(written);
    }

    static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
