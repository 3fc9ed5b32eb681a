package io.chronon.bench.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the JVM-based servers (Chronon's nodes, the Ratis replicas) are launched: this JDK, the same fixed
 * heap for both ({@code -Xms = -Xmx}), the default collector (G1), and a GC log read by {@link GcPauses}.
 */
record ServerJvm(String heap) {
    List<String> command(Path gcLog) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add(GcPauses.jvmLogOption(gcLog));
        return command;
    }
}
