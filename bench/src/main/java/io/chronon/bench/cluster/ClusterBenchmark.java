package io.chronon.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.chronon.bench.BenchSupport;

/**
 * Chronon against etcd and Apache Ratis on this machine: starts three replicas of each system on
 * loopback (fresh data directories, fsync on everywhere), drives them from this one JVM with the same
 * operation (a 1 KiB key-value put, one command per request unless batching), runs the workload matrix
 * with the systems interleaved (A B C A B C), stops them and prints the tables, one JSON line per run
 * and an SVG chart. A command, never a test. See {@link BenchOptions#USAGE} and docs/benchmarks.md.
 */
public final class ClusterBenchmark {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private ClusterBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        // Ratis and jetcd log through slf4j-simple; only warnings are worth a line here.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        BenchOptions options;
        List<SystemUnderTest> systems;
        try {
            options = BenchOptions.parse(args);
            systems = systems(options);
        } catch (IllegalArgumentException | IllegalStateException cannotRun) {
            System.err.println("cluster benchmark: " + cannotRun.getMessage());
            System.exit(2);
            return;
        }
        // A benchmark stopped with Ctrl-C or SIGTERM must not leave nine servers running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> systems.forEach(SystemUnderTest::close),
                "cluster-benchmark-servers-stop"));
        Workspace workspace = new Workspace(Files.createDirectories(
                options.out().toAbsolutePath().resolve(STAMP.format(Instant.now()))));
        System.out.println(MachineDescription.describe(options));
        System.out.println("results, logs and data under " + workspace.root());
        try {
            List<RunResult> results = runMatrix(options, systems, workspace);
            report(options, results, workspace);
        } finally {
            systems.forEach(SystemUnderTest::close);
            if (!options.keepData()) {
                BenchSupport.deleteRecursively(workspace.data());
            }
        }
        System.exit(0);
    }

    /** The systems asked for, after checking that each can run; a left-out one is announced loudly. */
    private static List<SystemUnderTest> systems(BenchOptions options) {
        for (String left : BenchOptions.ALL_SYSTEMS) {
            if (!options.systems().contains(left)) {
                System.out.println("!!! " + left.toUpperCase(Locale.ROOT) + " SKIPPED (--systems="
                        + String.join(",", options.systems()) + "): no ratios against it in this run !!!");
            }
        }
        ServerJvm jvm = new ServerJvm(options.serverHeap());
        List<SystemUnderTest> systems = new ArrayList<>();
        for (String name : options.systems()) {
            systems.add(switch (name) {
                case "chronon" -> {
                    if (!Files.isRegularFile(options.nodeJar())) {
                        throw new IllegalStateException("the packaged node " + options.nodeJar() + " is missing: run"
                                + " ./mvnw install -DskipTests from the repository root (or pass --node-jar=...)");
                    }
                    yield new ChrononCluster(options.nodeJar().toAbsolutePath(), jvm, options.chrononJvmOptions(),
                            options.chrononSessions());
                }
                case "etcd" -> {
                    if (!EtcdCluster.installed()) {
                        throw new IllegalStateException(EtcdCluster.INSTALL_HINT);
                    }
                    yield new EtcdCluster();
                }
                case "ratis" -> new RatisCluster(jvm);
                default -> throw new IllegalArgumentException(name);
            });
        }
        return systems;
    }

    private static List<RunResult> runMatrix(BenchOptions options, List<SystemUnderTest> systems, Workspace workspace)
            throws Exception {
        TimedRun timedRun = new TimedRun(options);
        for (SystemUnderTest system : systems) {
            long started = System.nanoTime();
            system.start(workspace);
            System.out.printf(Locale.ROOT, "%s: 3 replicas up in %.1f s%n", system.name(),
                    (System.nanoTime() - started) / 1e9);
            if (options.freezeIdle()) {
                system.freeze();
            }
        }
        for (SystemUnderTest system : systems) {
            if (!options.prime().isZero()) {
                TimedRun.Primed primed = timedRun.prime(system, Workload.closed(64), options.prime());
                System.out.printf(Locale.ROOT, "%s: primed with closed-64 for %d s, %,.0f commands/s, %d errors,"
                                + " %d timeouts%n", system.name(), options.prime().toSeconds(), primed.commandsPerSecond(),
                        primed.counts().errors(), primed.counts().timeouts());
            }
        }
        Path jsonLines = workspace.root().resolve("results.jsonl");
        List<RunResult> results = new ArrayList<>();
        for (Workload workload : options.workloads()) {
            for (int repetition = 1; repetition <= options.repetitions(); repetition++) {
                for (SystemUnderTest system : systems) {
                    RunResult result = timedRun.run(system, workload, repetition);
                    results.add(result);
                    System.out.println(result.failure() == null ? oneLine(result) : String.format(Locale.ROOT,
                            "%-7s %-13s #%d: FAILED, counted as 0 commands/s: %s", result.system(),
                            result.workload().label(), result.repetition(), result.failure()));
                    String json = ResultJson.of(result);
                    System.out.println("JSON " + json);
                    Files.writeString(jsonLines, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
        }
        return results;
    }

    private static String oneLine(RunResult result) {
        return String.format(Locale.ROOT, "%-7s %-13s #%d: %,9.0f commands/s  p50 %s  p99 %s  p99.9 %s  max %s ms"
                        + "  errors %d timeouts %d  cmds/fsync %s  CPU %s µs/cmd  warm-up %.0f s%s  load %s (others %.2f"
                        + " cores)  %s",
                result.system(), result.workload().label(), result.repetition(), result.throughput(),
                Report.ms(result.latency().p50()), Report.ms(result.latency().p99()), Report.ms(result.latency().p999()),
                Report.ms(result.latency().max()), result.window().errors(), result.window().timeouts(),
                Report.decimal(result.commandsPerFsync()), Report.count(result.serverCpuMicrosPerCommand()),
                result.warmUp().seconds(), result.warmUp().stable() ? "" : " (not stable)", result.loadAverage(),
                result.otherCores(),
                (result.backlog() == 0 ? "" : "BACKLOG " + result.backlog() + " never sent ")
                        + (result.leadershipChanges() == 0 ? "" : result.leadershipChanges() + " ELECTION(S) ")
                        + (result.honesty().holds() ? "" : "HONESTY " + result.honesty().verdict())
                        + (result.errorSamples().isEmpty() ? "" : " first errors: " + result.errorSamples()));
    }

    private static void report(BenchOptions options, List<RunResult> results, Workspace workspace) throws IOException {
        List<String> workloads = options.workloads().stream().map(Workload::label).toList();
        List<Summary> summaries = new ArrayList<>();
        for (Workload workload : options.workloads()) {
            for (String system : options.systems()) {
                List<RunResult> runs = results.stream()
                        .filter(r -> r.system().equals(system) && r.workload().equals(workload)).toList();
                summaries.add(new Summary(system, workload, runs));
            }
        }
        Report report = new Report(summaries, options.systems());
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        Files.writeString(workspace.root().resolve("report.md"), MachineDescription.describe(options) + "\n\n" + markdown);
        String caption = String.format(Locale.ROOT, "%s, %d runs of %d s each, load %s",
                DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(Instant.now()), options.repetitions(),
                options.measure().toSeconds(), TimedRun.loadAverage());
        Path chart = workspace.root().resolve("chart.svg");
        Files.writeString(chart, new SvgChart(report, options.systems(), workloads).render(caption));
        if (options.chart() != null) {
            Files.createDirectories(options.chart().toAbsolutePath().getParent());
            Files.copy(chart, options.chart(), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("tables: " + workspace.root().resolve("report.md") + ", chart: " + chart
                + ", one JSON line per run: " + workspace.root().resolve("results.jsonl"));
    }
}
