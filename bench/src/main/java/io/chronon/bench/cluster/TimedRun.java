package io.chronon.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.HdrHistogram.Histogram;

/**
 * One run of the matrix: wait for the system's leader, connect, warm up until stable, measure a fixed
 * window, stop and drain, cross-check what was committed. With {@code --freeze-idle} the system is
 * thawed first and frozen again after.
 */
final class TimedRun {
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);

    private final BenchOptions options;

    TimedRun(BenchOptions options) {
        this.options = options;
    }

    /** What priming reached: commands per second, and the requests that failed. */
    record Primed(double commandsPerSecond, Tally.Counts counts) {}

    /** Something done with a system's leader found and a connection to it open. */
    private interface WithConnection<T> {
        T run(KvConnection connection) throws InterruptedException;
    }

    private <T> T connected(SystemUnderTest system, WithConnection<T> action) throws InterruptedException {
        if (options.freezeIdle()) {
            system.thaw();
        }
        try {
            system.awaitLeader(LEADER_WAIT);
            try (KvConnection connection = system.connect()) {
                return action.run(connection);
            }
        } finally {
            if (options.freezeIdle()) {
                system.freeze();
            }
        }
    }

    /**
     * Untimed load on a freshly started system so that its JIT compiles the hot paths before the
     * matrix begins.
     */
    Primed prime(SystemUnderTest system, Workload workload, Duration length) throws InterruptedException {
        return connected(system, connection -> {
            Tally tally = new Tally();
            Load load = Load.start(workload, connection, tally, options.requestTimeout());
            long started = System.nanoTime();
            Thread.sleep(length.toMillis());
            double rate = tally.counts().commands() / ((System.nanoTime() - started) / 1e9);
            load.stopAndDrain(DRAIN);
            return new Primed(rate, tally.counts());
        });
    }

    RunResult run(SystemUnderTest system, Workload workload, int repetition) throws InterruptedException {
        try {
            return connected(system, connection -> startAndMeasure(system, connection, workload, repetition));
        } catch (Leadership.NoLeaderException unavailable) {
            return RunResult.failed(system.name(), workload, repetition, unavailable.getMessage());
        } catch (RuntimeException broken) {
            // A server that stopped answering its metrics, say: recorded, and the matrix goes on.
            return RunResult.failed(system.name(), workload, repetition, broken.toString());
        }
    }

    private RunResult startAndMeasure(SystemUnderTest system, KvConnection connection, Workload workload, int repetition)
            throws InterruptedException {
        Tally tally = new Tally();
        ServerCounters atStart = system.counters();
        Load load = Load.start(workload, connection, tally, options.requestTimeout());
        try {
            return measure(system, connection, workload, repetition, tally, atStart, load);
        } finally {
            load.stopAndDrain(DRAIN);
        }
    }

    private RunResult measure(SystemUnderTest system, KvConnection connection, Workload workload, int repetition,
                              Tally tally, ServerCounters atStart, Load load) throws InterruptedException {
        WarmUp.Result warmUp = WarmUp.await(tally, options.warmupMin(), options.warmupMax(), options.warmupTolerance());

        tally.latenciesSinceLastCall();
        Tally.Counts countsBefore = tally.counts();
        ServerCounters serverBefore = system.counters();
        long serverCpuBefore = system.cpuNanos();
        long generatorCpuBefore = ProcessCpu.selfNanos();
        long machineBusyBefore = ProcessCpu.machineBusyNanos();
        long wallBefore = System.currentTimeMillis();
        long started = System.nanoTime();
        Thread.sleep(options.measure().toMillis());
        Histogram latencies = tally.latenciesSinceLastCall();
        Tally.Counts window = tally.counts().minus(countsBefore);
        double seconds = (System.nanoTime() - started) / 1e9;
        long wallAfter = System.currentTimeMillis();
        long serverCpu = system.cpuNanos() - serverCpuBefore;
        long generatorCpu = ProcessCpu.selfNanos() - generatorCpuBefore;
        long machineBusy = ProcessCpu.machineBusyNanos() - machineBusyBefore;
        ServerCounters serverAfter = system.counters();

        Load.Drained drained = load.stopAndDrain(DRAIN);
        Tally.Counts total = tally.counts();
        ServerCounters atEnd = system.counters();

        ServerCounters serverWindow = serverAfter.minus(serverBefore);
        int unitsPerRequest = workload.batchSize() / system.commandsPerCommitted(workload);
        ServerCounters wholeRun = atEnd.minus(atStart);
        RunResult.Honesty honesty = new RunResult.Honesty(total.requests() * unitsPerRequest,
                (total.unknownOutcomes() + drained.unanswered()) * unitsPerRequest, wholeRun.committed(),
                system.committedUnit(), wholeRun.replicas(), connection.acknowledgementsWithoutOwnIndex());
        return new RunResult(system.name(), workload, repetition, loadAverage(), warmUp, seconds, window,
                RunResult.Latency.of(latencies), serverCpu / 1e9, generatorCpu / 1e9,
                Math.max(0, machineBusy - serverCpu - generatorCpu) / 1e9 / seconds, serverWindow,
                commandsPerFsync(system, workload, serverWindow),
                system.gcPauses(serverBefore, serverAfter, wallBefore, wallAfter), honesty, wholeRun.leadership(),
                drained.neverSent(), tally.errorSamples(), null);
    }

    /** Commands the leader committed in the window per fsync of its log. */
    private static double commandsPerFsync(SystemUnderTest system, Workload workload, ServerCounters window) {
        if (window.fsyncs() <= 0) {
            return Double.NaN;
        }
        return (double) window.committed() * system.commandsPerCommitted(workload) / window.fsyncs();
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
