package io.chronon.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a result needs next to it to be read later: when, on what, with which versions and settings. */
final class MachineDescription {
    private MachineDescription() {}

    static String describe(BenchOptions options) {
        return String.join("\n",
                "date (UTC): " + Instant.now(),
                "machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap for the load generator,"
                        + " load average " + TimedRun.loadAverage(),
                "java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "chronon: git " + firstLine(List.of("git", "rev-parse", "--short", "HEAD")) + ", node "
                        + options.nodeJar(),
                "etcd: " + firstLine(List.of("etcd", "--version")) + "; ratis 3.2.0 (gRPC); jetcd 0.8.5",
                "servers: 3 replicas each on 127.0.0.1, JVM servers -Xms" + options.serverHeap() + " -Xmx"
                        + options.serverHeap() + " (G1), fsync on everywhere; idle systems "
                        + (options.freezeIdle() ? "frozen (SIGSTOP)" : "left running"),
                "matrix: " + options.workloads().stream().map(Workload::label).toList() + " x " + options.systems()
                        + ", " + options.repetitions() + " repetitions of " + options.measure().toSeconds()
                        + " s, warm-up " + options.warmupMin().toSeconds() + "-" + options.warmupMax().toSeconds()
                        + " s to within ±" + Math.round(options.warmupTolerance() * 100) + " %, priming "
                        + options.prime().toSeconds() + " s, Chronon sessions " + options.chrononSessions());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .findFirst().map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown model");
        } catch (IOException e) {
            return "unknown model";
        }
    }

    /** The first line a command prints, or "unknown" if it cannot be run. */
    private static String firstLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().findFirst().orElse("unknown").trim();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
