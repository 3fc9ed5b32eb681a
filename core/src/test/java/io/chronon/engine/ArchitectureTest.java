package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The core is plain Java: no framework may leak into it, not even through an import of a class
 * that some other module would provide. (The build also bans such dependencies outright.)
 */
class ArchitectureTest {
    private static final List<String> FORBIDDEN = List.of("io.quarkus", "io.vertx", "jakarta.", "javax.inject",
            "com.fasterxml", "io.smallrye", "io.netty", "io.grpc", "org.jboss");

    @Test
    void coreImportsNothingButTheJdk() throws IOException {
        Path sources = Path.of("src", "main", "java");
        assertTrue(Files.isDirectory(sources), "run from the core module: " + sources.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(sources)) {
            for (Path file : walk.filter(path -> path.toString().endsWith(".java")).toList()) {
                files++;
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.trim();
                    if (!trimmed.startsWith("import ")) {
                        continue;
                    }
                    String imported = trimmed.substring(7).replace("static ", "");
                    for (String prefix : FORBIDDEN) {
                        if (imported.startsWith(prefix)) {
                            violations.add(file + ": " + trimmed);
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "found only " + files + " source files");
        assertEquals(List.of(), violations);
    }
}
