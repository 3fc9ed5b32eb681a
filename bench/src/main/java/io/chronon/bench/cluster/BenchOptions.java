package io.chronon.bench.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The cluster benchmark's command-line flags ({@code --name=value}); see {@link #USAGE}. */
record BenchOptions(List<String> systems, List<Workload> workloads, int repetitions, Duration measure,
                    Duration warmupMin, Duration warmupMax, double warmupTolerance, Duration prime,
                    Duration requestTimeout, String serverHeap, List<String> chrononJvmOptions,
                    boolean chrononSessions, boolean freezeIdle,
                    Path out, Path chart, Path nodeJar, boolean keepData) {

    static final List<String> ALL_SYSTEMS = List.of("chronon", "etcd", "ratis");

    static final String USAGE = """
            java -Xmx1g -cp bench/target/benchmarks.jar io.chronon.bench.cluster.ClusterBenchmark [--flag=value ...]

              --systems=chronon,etcd,ratis   which systems to run; one left out is reported as SKIPPED
              --workloads=closed-64,closed-1,open-2000,batch-16x100
                                             closed-N: N clients, one request in flight each
                                             open-R: R requests/s on a fixed schedule (at most
                                                     --open-max-in-flight outstanding, then they queue)
                                             batch-NxB: N clients, each request carries B commands
              --repetitions=3                timed runs per system and workload, interleaved A B C A B C
              --measure=10s                  length of each timed run
              --warmup-min=4s --warmup-max=15s --warmup-tolerance=0.10
                                             before each timed run, load until the last 3 one-second
                                             windows are within the tolerance of their mean
              --prime=40s                    untimed closed-64 load per system right after it starts (JIT)
              --open-max-in-flight=256       open loop: requests outstanding at most
              --request-timeout=10s          an unanswered request counts as a timeout after this
              --server-heap=2g               -Xms and -Xmx of the Chronon and Ratis server JVMs
              --chronon-jvm-options="..."    more JVM options for the Chronon nodes, space-separated
                                             (a profiler: -XX:StartFlightRecording=filename=n.jfr)
              --chronon-sessions=true        Chronon commands carry a client session (exactly-once)
              --freeze-idle=false            SIGSTOP the systems not being measured (off: Ratis closes itself
                                             after a 60 s pause, and both JVM systems elect after a thaw)
              --out=target/cluster-bench     results go to a new timestamped directory under it
              --chart=PATH                   also copy the SVG chart there (e.g. docs/images/...)
              --node-jar=app/target/quarkus-app/quarkus-run.jar
              --keep-data=false              keep the servers' data directories afterwards
            Durations: 10s, 500ms, 2m, or plain seconds.
            """;

    private static final Pattern CLOSED = Pattern.compile("closed-(\\d+)");
    private static final Pattern OPEN = Pattern.compile("open-(\\d+)(?:/s)?");
    private static final Pattern BATCH = Pattern.compile("batch-(\\d+)x(\\d+)");

    static BenchOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("not a --flag=value: " + arg + "\n" + USAGE);
            }
            flags.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Set<String> known = Set.of("systems", "workloads", "repetitions", "measure", "warmup-min", "warmup-max",
                "warmup-tolerance", "prime", "open-max-in-flight", "request-timeout", "server-heap", "chronon-jvm-options",
                "chronon-sessions", "freeze-idle", "out", "chart", "node-jar", "keep-data");
        for (String flag : flags.keySet()) {
            if (!known.contains(flag)) {
                throw new IllegalArgumentException("unknown flag --" + flag + "\n" + USAGE);
            }
        }
        List<String> systems = List.of(flags.getOrDefault("systems", String.join(",", ALL_SYSTEMS)).split(","));
        for (String system : systems) {
            if (!ALL_SYSTEMS.contains(system)) {
                throw new IllegalArgumentException("unknown system " + system + "; choose from " + ALL_SYSTEMS);
            }
        }
        int openMaxInFlight = Integer.parseInt(flags.getOrDefault("open-max-in-flight", "256"));
        List<Workload> workloads = new ArrayList<>();
        for (String name : flags.getOrDefault("workloads", "closed-64,closed-1,open-2000,batch-16x100").split(",")) {
            workloads.add(workload(name, openMaxInFlight));
        }
        return new BenchOptions(systems, workloads, Integer.parseInt(flags.getOrDefault("repetitions", "3")),
                duration(flags.getOrDefault("measure", "10s")), duration(flags.getOrDefault("warmup-min", "4s")),
                duration(flags.getOrDefault("warmup-max", "15s")),
                Double.parseDouble(flags.getOrDefault("warmup-tolerance", "0.10")),
                duration(flags.getOrDefault("prime", "40s")), duration(flags.getOrDefault("request-timeout", "10s")),
                flags.getOrDefault("server-heap", "2g"),
                List.of(flags.getOrDefault("chronon-jvm-options", "").trim().split("\\s+")).stream()
                        .filter(option -> !option.isEmpty()).toList(),
                Boolean.parseBoolean(flags.getOrDefault("chronon-sessions", "true")),
                Boolean.parseBoolean(flags.getOrDefault("freeze-idle", "false")),
                Path.of(flags.getOrDefault("out", "target/cluster-bench")),
                flags.containsKey("chart") ? Path.of(flags.get("chart")) : null,
                Path.of(flags.getOrDefault("node-jar", "app/target/quarkus-app/quarkus-run.jar")),
                Boolean.parseBoolean(flags.getOrDefault("keep-data", "false")));
    }

    private static Workload workload(String name, int openMaxInFlight) {
        Matcher closed = CLOSED.matcher(name);
        if (closed.matches()) {
            return Workload.closed(Integer.parseInt(closed.group(1)));
        }
        Matcher open = OPEN.matcher(name);
        if (open.matches()) {
            return Workload.open(Integer.parseInt(open.group(1)), openMaxInFlight);
        }
        Matcher batch = BATCH.matcher(name);
        if (batch.matches()) {
            return Workload.batch(Integer.parseInt(batch.group(1)), Integer.parseInt(batch.group(2)));
        }
        throw new IllegalArgumentException("unknown workload " + name + "; use closed-N, open-R or batch-NxB");
    }

    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(value));
    }
}
