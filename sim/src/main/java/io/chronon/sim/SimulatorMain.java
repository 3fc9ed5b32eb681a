package io.chronon.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator as a command:
 * <pre>
 *   java -jar sim/target/chronon-sim.jar --seeds N [--first-seed S] [--replicas 3|5] [--jobs J] [--workload kv|bank]
 * </pre>
 * Runs seeds {@code S..S+N-1} (each a whole cluster in one thread; J seeds at a time), prints
 * progress, prints every failure with its seed, the command that replays it and the end of its
 * trace, and ends with {@code simulated N seeds: F failed}. Exit status 1 if any failed.
 */
public final class SimulatorMain {
    private SimulatorMain() {}

    public static void main(String[] args) throws Exception {
        long seeds = option(args, "--seeds", 100);
        long first = option(args, "--first-seed", 1);
        int replicas = (int) option(args, "--replicas", 3);
        Simulation.Workload workload = Simulation.Workload.valueOf(text(args, "--workload", "kv").toUpperCase());
        int jobs = (int) option(args, "--jobs", Math.max(1, Runtime.getRuntime().availableProcessors()));
        if (replicas != 3 && replicas != 5) {
            System.err.println("--replicas must be 3 or 5");
            System.exit(2);
        }
        long started = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong faults = new AtomicLong();
        AtomicLong installs = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(jobs)) {
            for (long seed = first; seed < first + seeds; seed++) {
                long current = seed;
                futures.add(pool.submit(() -> {
                    Simulation.Result result = Simulation.run(Simulation.Options.standard(current, replicas).with(workload));
                    operations.addAndGet(result.operations());
                    faults.addAndGet(result.faults());
                    installs.addAndGet(result.installs());
                    if (!result.passed()) {
                        failed.incrementAndGet();
                        report(result, replicas);
                    }
                    long finished = done.incrementAndGet();
                    if (finished % 50 == 0 || finished == seeds) {
                        System.out.printf("  %d/%d seeds, %d failed, %.0f s%n", finished, seeds, failed.get(),
                                (System.nanoTime() - started) / 1e9);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        System.out.printf("%d client operations completed, %d faults injected, %d snapshots installed from peers,"
                + " %.0f s%n", operations.get(), faults.get(), installs.get(), (System.nanoTime() - started) / 1e9);
        System.out.println("simulated " + seeds + " seeds: " + failed.get() + " failed");
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    static synchronized void report(Simulation.Result result, int replicas) {
        System.out.println("FAILED seed " + result.seed() + ": " + result.failure());
        System.out.println("  replay: java -jar sim/target/chronon-sim.jar --seeds 1 --first-seed " + result.seed()
                + " --replicas " + replicas + " --jobs 1 --workload " + result.workload().name().toLowerCase());
        List<String> trace = result.trace();
        for (String line : trace.subList(Math.max(0, trace.size() - 150), trace.size())) {
            System.out.println("    " + line);
        }
    }

    private static String text(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static long option(String[] args, String name, long fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Long.parseLong(args[i + 1]);
            }
        }
        return fallback;
    }
}
