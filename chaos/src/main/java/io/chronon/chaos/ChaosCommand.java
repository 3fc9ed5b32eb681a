package io.chronon.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chaos harness as a command: runs fault schedules against real node processes, prints a line
 * per schedule as it ends and a total at the end, and exits non-zero if any schedule found an
 * anomaly (its seed reruns it exactly: the same schedule, the same client choices). Resumable: a
 * schedule whose summary is already in the output directory is counted, not run again.
 */
public final class ChaosCommand {
    private ChaosCommand() {
    }

    public static void main(String[] args) throws Exception {
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.println(ChaosOptions.USAGE);
            System.exit(2);
            return;
        }
        List<RunSummary> summaries = run(options);
        long anomalies = summaries.stream().filter(s -> !s.anomalies().isEmpty()).count();
        long operations = summaries.stream().mapToLong(RunSummary::operations).sum();
        long faults = summaries.stream().mapToLong(s -> s.faults().size()).sum();
        System.out.printf("[chaos] %d schedules, %d operations, %d faults injected: %s%n", summaries.size(), operations,
                faults, anomalies == 0 ? "0 anomalies" : anomalies + " schedules with ANOMALIES");
        for (RunSummary summary : summaries) {
            if (!summary.anomalies().isEmpty()) {
                System.out.println("[chaos] rerun with --seed " + summary.seed() + " --schedules 1 --workloads "
                        + summary.workload() + " --nodes " + summary.nodes() + " --duration " + summary.durationSeconds()
                        + "s: " + summary.anomalies().getFirst());
            }
        }
        System.exit(anomalies == 0 ? 0 : 1);
    }

    /** Runs (or, when already done, reads) every schedule of the options; returns their summaries in order. */
    static List<RunSummary> run(ChaosOptions options) throws InterruptedException {
        System.out.printf("[chaos] %d schedules from seed %d, %d at a time, sizes %s, workloads %s, %ds each; output in %s%n",
                options.schedules(), options.firstSeed(), options.jobs(), options.nodes(), options.workloads(),
                options.duration().toSeconds(), options.out().toAbsolutePath());
        AtomicInteger done = new AtomicInteger();
        List<Future<RunSummary>> futures = new ArrayList<>();
        try (ExecutorService jobs = Executors.newFixedThreadPool(options.jobs())) {
            for (int i = 0; i < options.schedules(); i++) {
                Schedule schedule = options.schedule(i);
                futures.add(jobs.submit(() -> {
                    Path directory = options.out().resolve(ChaosRun.directoryName(schedule));
                    Path existing = directory.resolve(RunSummary.FILE);
                    boolean resumed = Files.isRegularFile(existing);
                    RunSummary summary = resumed ? RunSummary.read(existing)
                            : new ChaosRun(schedule, options.nodeJar(), directory, options.clients()).execute();
                    System.out.printf("[chaos] %d/%d %s%s%n", done.incrementAndGet(), options.schedules(),
                            resumed ? "(from an earlier run) " : "", summary.line());
                    return summary;
                }));
            }
        }
        List<RunSummary> summaries = new ArrayList<>();
        for (Future<RunSummary> future : futures) {
            try {
                summaries.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a schedule could not run", e.getCause());
            }
        }
        return summaries;
    }
}
