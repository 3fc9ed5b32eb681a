package io.chronon.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The benchmark's tables, in Markdown: results, ratios, efficiency, honesty checks and the targets. */
final class Report {
    private final List<Summary> summaries;
    private final List<String> systems;

    Report(List<Summary> summaries, List<String> systems) {
        this.summaries = summaries;
        this.systems = systems;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        results(out);
        ratios(out);
        efficiency(out);
        honesty(out);
        out.append(new Targets(this).markdown());
        return out.toString();
    }

    Optional<Summary> summary(String system, String workload) {
        return summaries.stream().filter(s -> s.system().equals(system) && s.workload().label().equals(workload))
                .findFirst();
    }

    Optional<Summary> summaryOfKind(String system, Workload.Kind kind) {
        return summaries.stream().filter(s -> s.system().equals(system) && s.workload().kind() == kind).findFirst();
    }

    private List<String> workloads() {
        List<String> workloads = new ArrayList<>();
        summaries.forEach(s -> {
            if (!workloads.contains(s.workload().label())) {
                workloads.add(s.workload().label());
            }
        });
        return workloads;
    }

    private void results(StringBuilder out) {
        out.append("| workload | system | commands/s, median (min–max) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms"
                + " | errors / timeouts | warm-up s (stable?) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String workload : workloads()) {
            for (String system : systems) {
                summary(system, workload).ifPresent(s -> out.append(String.format(Locale.ROOT,
                        "| %s | %s | %s (%s–%s) | %s | %s | %s | %s | %s | %d / %d | %s |%n", workload, system,
                        count(s.median(RunResult::throughput)), count(s.min(RunResult::throughput)),
                        count(s.max(RunResult::throughput)), ms(s.median(r -> r.latency().p50())),
                        ms(s.median(r -> r.latency().p90())), ms(s.median(r -> r.latency().p99())),
                        ms(s.median(r -> r.latency().p999())), ms(s.median(r -> r.latency().max())),
                        s.sum(r -> r.window().errors()), s.sum(r -> r.window().timeouts()), warmUps(s))));
            }
        }
        out.append("\nLatency is per request (a batch of B commands is one request), medians over the repetitions.\n\n");
    }

    private static String warmUps(Summary summary) {
        List<String> each = new ArrayList<>();
        for (RunResult run : summary.runs()) {
            each.add(String.format(Locale.ROOT, "%.0f%s", run.warmUp().seconds(), run.warmUp().stable() ? "" : "!"));
        }
        return String.join(", ", each);
    }

    private void ratios(StringBuilder out) {
        out.append("| workload | throughput Chronon/etcd | throughput Chronon/Ratis | p50 Chronon/etcd | p50 Chronon/Ratis"
                + " | p99 Chronon/etcd | p99 Chronon/Ratis |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String workload : workloads()) {
            out.append("| ").append(workload);
            for (ToDoubleFunction<RunResult> measure : List.<ToDoubleFunction<RunResult>>of(RunResult::throughput,
                    r -> r.latency().p50(), r -> r.latency().p99())) {
                out.append(" | ").append(ratio(workload, "etcd", measure)).append(" | ")
                        .append(ratio(workload, "ratis", measure));
            }
            out.append(" |\n");
        }
        out.append("\nRatios of medians. Throughput: above 1 means Chronon does more; latency: below 1 means Chronon"
                + " answers faster.\n\n");
    }

    String ratio(String workload, String peer, ToDoubleFunction<RunResult> measure) {
        double value = ratioValue(workload, peer, measure);
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "–";
    }

    double ratioValue(String workload, String peer, ToDoubleFunction<RunResult> measure) {
        Optional<Summary> chronon = summary("chronon", workload);
        Optional<Summary> other = summary(peer, workload);
        if (chronon.isEmpty() || other.isEmpty()) {
            return Double.NaN;
        }
        return chronon.get().median(measure) / other.get().median(measure);
    }

    private void efficiency(StringBuilder out) {
        out.append("| workload | system | commands per leader fsync | server CPU µs per command | generator CPU µs per"
                + " command | GC pauses in the timed window: count, total ms, max ms |\n|---|---|---:|---:|---:|---|\n");
        for (String workload : workloads()) {
            for (String system : systems) {
                summary(system, workload).ifPresent(s -> out.append(String.format(Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s |%n", workload, system,
                        decimal(s.median(RunResult::commandsPerFsync)), count(s.median(RunResult::serverCpuMicrosPerCommand)),
                        count(s.median(RunResult::generatorCpuMicrosPerCommand)), gc(s))));
            }
        }
        out.append("\nMedians over the repetitions; server CPU is utime+stime of the three server processes; GC pauses"
                + " are summed over the three servers, per run.\n\n");
    }

    private static String gc(Summary summary) {
        List<String> each = new ArrayList<>();
        for (RunResult run : summary.runs()) {
            GcPauses gc = run.gc();
            each.add(String.format(Locale.ROOT, "%d, %.1f, %s", gc.count(), gc.totalMillis(),
                    Double.isNaN(gc.maxMillis()) ? "n/a" : String.format(Locale.ROOT, "%.1f", gc.maxMillis())));
        }
        return String.join(" / ", each);
    }

    private void honesty(StringBuilder out) {
        out.append("| workload | system | run | window: client commands / committed / leader's durable entries / leader's"
                + " fsyncs | whole run: acknowledged vs committed | elections | load average | other processes' CPU"
                + " |\n|---|---|---:|---|---|---:|---|---:|\n");
        for (String workload : workloads()) {
            for (String system : systems) {
                summary(system, workload).ifPresent(s -> s.runs().forEach(run -> out.append(honestyRow(run))));
            }
        }
        out.append("\n");
    }

    private static String honestyRow(RunResult run) {
        if (run.failure() != null) {
            return String.format(Locale.ROOT, "| %s | %s | %d | FAILED (counted as 0 commands/s) | %s | – | %s | – |%n",
                    run.workload().label(), run.system(), run.repetition(), run.failure(), run.loadAverage());
        }
        return String.format(Locale.ROOT, "| %s | %s | %d | %d / %d / %s / %s | %s%s | %d | %s | %.2f cores |%n",
                run.workload().label(), run.system(), run.repetition(), run.window().commands(),
                run.server().committed(), known(run.server().durableEntries()), known(run.server().fsyncs()),
                run.honesty().verdict(), run.backlog() == 0 ? "" : "; backlog " + run.backlog() + " never sent",
                run.leadershipChanges(), run.loadAverage(), run.otherCores());
    }

    private static String known(long value) {
        return value < 0 ? "n/a" : Long.toString(value);
    }

    static String count(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "n/a";
    }

    static String decimal(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : "n/a";
    }

    static String ms(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : value < 1000 ? "%.1f" : "%,.0f", value);
    }
}
