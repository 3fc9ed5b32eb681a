package io.chronon.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One benchmark run's directory: {@code data/} holds the servers' data directories (deleted at the end
 * unless asked to keep them), {@code logs/} their output and GC logs, and the root the results.
 */
record Workspace(Path root) {
    Path data() {
        return root.resolve("data");
    }

    /** A fresh data directory for one server, on the same disk as the root. */
    Path dataDirectory(String server) {
        return create(data().resolve(server));
    }

    Path logFile(String name) {
        return create(root.resolve("logs")).resolve(name);
    }

    private static Path create(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }
}
