package io.chronon.app;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Where the packaged nodes of the {@code *IT} tests write their logs: a directory of their own per
 * cluster or test, {@code target/it-logs/<name>-<yyyyMMdd-HHmmss>-<8 hex digits>/}, created empty.
 * Tests assert what they observed by searching their nodes' logs, and nothing cleans
 * {@code target/it-logs} between two runs of {@code ./mvnw verify}: with fixed file names a check
 * could pass on an earlier run's lines. A node restarted within its test keeps its file and appends
 * to it; the logs of earlier runs stay beside, for a post-mortem, until {@code ./mvnw clean}.
 */
final class ItLogs {
    /** Relative to the working directory of the failsafe JVM, the {@code app} module: {@code app/target/it-logs}. */
    static final Path ROOT = Path.of("target", "it-logs");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ItLogs() {}

    /** A new, empty directory for the logs of {@code name}'s nodes; never one that existed before. */
    static Path freshDirectory(String name) throws IOException {
        Files.createDirectories(ROOT);
        while (true) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            Path directory = ROOT.resolve(name + "-" + LocalDateTime.now().format(STAMP) + "-" + suffix);
            try {
                return Files.createDirectory(directory);
            } catch (FileAlreadyExistsException e) {
                // Drawn twice in the same second: draw another suffix.
            }
        }
    }

    /** The log file {@code <name>.log} in a {@link #freshDirectory} of its own, for a test with one node. */
    static Path freshFile(String name) throws IOException {
        return freshDirectory(name).resolve(name + ".log");
    }
}
