package io.chronon.bench.cluster;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * One timed run of one system under one workload.
 *
 * @param loadAverage     {@code /proc/loadavg} (1, 5, 15 min) at the end of the run: the machine is shared
 * @param warmUp          how the load settled before the timed window
 * @param seconds         the timed window's length
 * @param window          what the clients counted in the window
 * @param latency         per request, in the window
 * @param serverCpuSeconds CPU time of the three server processes in the window
 * @param generatorCpuSeconds CPU time of the load generator (this JVM) in the window
 * @param otherCores      CPU the rest of the machine used in the window, in cores (the machine is shared;
 *                        the load average counts the benchmark's own threads too)
 * @param server          the leader's counters over the window
 * @param commandsPerFsync commands made durable per leader fsync in the window, NaN when unknown
 * @param gc              the servers' stop-the-world pauses in the window
 * @param honesty         the whole run's acknowledged commands against what was committed
 * @param leadershipChanges elections during the whole run (views, terms or leader changes seen): a run
 *                        with any measured a system that was also electing
 * @param backlog         open loop: scheduled requests never sent by the end (the rate was not kept up)
 * @param errorSamples    the first error messages of the run
 * @param failure         why the run could not be made (then it counts as 0 commands/s), or null
 */
record RunResult(String system, Workload workload, int repetition, String loadAverage, WarmUp.Result warmUp,
                 double seconds, Tally.Counts window, Latency latency, double serverCpuSeconds,
                 double generatorCpuSeconds, double otherCores, ServerCounters server, double commandsPerFsync,
                 GcPauses gc, Honesty honesty, long leadershipChanges, long backlog, List<String> errorSamples,
                 String failure) {

    /** A run that could not be made, such as when the system had no leader: no commands, no latencies. */
    static RunResult failed(String system, Workload workload, int repetition, String failure) {
        Latency none = new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return new RunResult(system, workload, repetition, TimedRun.loadAverage(), new WarmUp.Result(0, false, List.of()),
                1, new Tally.Counts(0, 0, 0, 0), none, 0, 0, Double.NaN, new ServerCounters(0, 0, -1, -1, 0, 0, ""),
                Double.NaN, new GcPauses(0, 0, Double.NaN, "not measured"), new Honesty(0, 0, 0, "-", "", -1), 0, 0, List.of(),
                failure);
    }

    double throughput() {
        return window.commands() / seconds;
    }

    double serverCpuMicrosPerCommand() {
        return window.commands() == 0 ? Double.NaN : serverCpuSeconds * 1e6 / window.commands();
    }

    double generatorCpuMicrosPerCommand() {
        return window.commands() == 0 ? Double.NaN : generatorCpuSeconds * 1e6 / window.commands();
    }

    /** Request latency percentiles in milliseconds. */
    record Latency(double p50, double p90, double p99, double p999, double max) {
        static Latency of(Histogram histogram) {
            return new Latency(ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
                    ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
                    ms(histogram.getMaxValue()));
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }
    }

    /**
     * Over the whole run (warm-up, timed window, drain): every acknowledged request must be in what the
     * leader committed, and the leader must have committed nothing beyond those plus the requests whose
     * outcome the clients could not know (errors, timeouts, unanswered at the end).
     *
     * @param unit     what is counted (the system's own unit, see {@link SystemUnderTest#committedUnit})
     * @param replicas what the replicas reported at the start and the end, shown when the check fails
     * @param withoutOwnIndex acknowledged commands whose reply named an index another acknowledgement
     *                        already had, or none (-1: the system's replies name no index)
     */
    record Honesty(long acknowledged, long unknown, long committed, String unit, String replicas,
                   long withoutOwnIndex) {
        boolean holds() {
            return committed >= acknowledged && committed <= acknowledged + unknown && withoutOwnIndex <= 0;
        }

        String verdict() {
            return (holds() ? "ok" : "MISMATCH") + ": " + acknowledged + " acknowledged, " + committed + " committed"
                    + (unknown > 0 ? ", " + unknown + " unknown" : "") + " (" + unit + ")"
                    + (withoutOwnIndex == 0 ? ", each acknowledged at an index of its own" : "")
                    + (withoutOwnIndex > 0 ? "; " + withoutOwnIndex + " acknowledged at an index already acknowledged"
                            + " or at none" : "")
                    + (holds() ? "" : "; replicas " + replicas);
        }
    }
}
