package io.chronon.bench.cluster;

import java.util.Locale;
import java.util.Optional;

/** The targets for Chronon, each judged from this run's measurements. */
final class Targets {
    private final Report report;

    Targets(Report report) {
        this.report = report;
    }

    String markdown() {
        StringBuilder out = new StringBuilder("| target | measured | verdict |\n|---|---|---|\n");
        String closed64 = Workload.closed(64).label();
        throughputRatio(out, closed64, "etcd", 3);
        throughputRatio(out, closed64, "ratis", 5);
        double p99 = report.ratioValue(closed64, "etcd", r -> r.latency().p99());
        row(out, "closed-64 p99 ≤ ½ etcd's", Double.isFinite(p99) ? String.format(Locale.ROOT,
                "Chronon/etcd p99 = %.2f", p99) : null, p99 <= 0.5);
        Optional<Summary> chronon1 = report.summary("chronon", Workload.closed(1).label());
        double p50 = chronon1.map(s -> s.median(r -> r.latency().p50())).orElse(Double.NaN);
        row(out, "closed-1 p50 ≤ 0.5 ms", chronon1.isPresent() ? Report.ms(p50) + " ms" : null, p50 <= 0.5);
        Optional<Summary> chronon64 = report.summary("chronon", closed64);
        double perFsync = chronon64.map(s -> s.median(RunResult::commandsPerFsync)).orElse(Double.NaN);
        row(out, "closed-64 ≥ 16 commands per fsync", chronon64.isPresent() ? Report.decimal(perFsync) : null,
                perFsync >= 16);
        Optional<Summary> batch = report.summaryOfKind("chronon", Workload.Kind.BATCH);
        double batched = batch.map(s -> s.median(RunResult::throughput)).orElse(Double.NaN);
        row(out, "batching ≥ 50,000 commands/s", batch.map(s -> Report.count(batched) + " commands/s ("
                + s.workload().label() + ")").orElse(null), batched >= 50_000);
        return out.append('\n').toString();
    }

    private void throughputRatio(StringBuilder out, String workload, String peer, double target) {
        double ratio = report.ratioValue(workload, peer, RunResult::throughput);
        row(out, String.format(Locale.ROOT, "%s throughput ≥ %.0f× %s", workload, target, peer),
                Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : null, ratio >= target);
    }

    private static void row(StringBuilder out, String target, String measured, boolean met) {
        out.append("| ").append(target).append(" | ").append(measured == null ? "not measured" : measured)
                .append(" | ").append(measured == null ? "–" : met ? "met" : "**missed**").append(" |\n");
    }
}
