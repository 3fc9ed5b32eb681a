package io.chronon.bench.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits until a running load's throughput is stable: the last {@value #WINDOWS} one-second windows each
 * within ±{@code tolerance} of their mean, and at least {@code minimum} passed. Gives up at
 * {@code maximum} and says so. Fresh JVMs need this: the reference saw Ratis go from 646 to 2,831 ops/s
 * over its first three runs while the JIT compiled.
 */
final class WarmUp {
    static final int WINDOWS = 3;

    private WarmUp() {}

    /** @param seconds how long it took; stable false when the maximum was reached first */
    record Result(double seconds, boolean stable, List<Long> lastWindows) {}

    static Result await(Tally tally, Duration minimum, Duration maximum, double tolerance) throws InterruptedException {
        long started = System.nanoTime();
        List<Long> windows = new ArrayList<>();
        long previous = tally.counts().commands();
        long next = started;
        while (true) {
            next += 1_000_000_000L;
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            long commands = tally.counts().commands();
            windows.add(commands - previous);
            previous = commands;
            double elapsed = (System.nanoTime() - started) / 1e9;
            List<Long> last = windows.subList(Math.max(0, windows.size() - WINDOWS), windows.size());
            if (elapsed >= minimum.toSeconds() && last.size() == WINDOWS && withinTolerance(last, tolerance)) {
                return new Result(elapsed, true, List.copyOf(last));
            }
            if (elapsed >= maximum.toSeconds()) {
                return new Result(elapsed, false, List.copyOf(last));
            }
        }
    }

    private static boolean withinTolerance(List<Long> windows, double tolerance) {
        double mean = windows.stream().mapToLong(Long::longValue).average().orElse(0);
        return mean > 0 && windows.stream().allMatch(w -> Math.abs(w - mean) <= tolerance * mean);
    }
}
