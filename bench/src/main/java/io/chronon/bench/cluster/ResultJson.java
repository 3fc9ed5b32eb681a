package io.chronon.bench.cluster;

/** One run as one JSON line, for comparing runs later by machine. */
final class ResultJson {
    private ResultJson() {}

    static String of(RunResult run) {
        RunResult.Latency latency = run.latency();
        return new Json()
                .field("system", run.system())
                .field("workload", run.workload().label())
                .field("clients", run.workload().clients())
                .field("ratePerSecond", run.workload().ratePerSecond())
                .field("batchSize", run.workload().batchSize())
                .field("repetition", run.repetition())
                .field("seconds", run.seconds())
                .field("commandsPerSecond", run.throughput())
                .field("commands", run.window().commands())
                .field("requests", run.window().requests())
                .field("errors", run.window().errors())
                .field("timeouts", run.window().timeouts())
                .field("latencyMs", new Json().field("p50", latency.p50()).field("p90", latency.p90())
                        .field("p99", latency.p99()).field("p999", latency.p999()).field("max", latency.max()))
                .field("warmUpSeconds", run.warmUp().seconds())
                .field("warmUpStable", run.warmUp().stable())
                .field("serverCpuMicrosPerCommand", run.serverCpuMicrosPerCommand())
                .field("generatorCpuMicrosPerCommand", run.generatorCpuMicrosPerCommand())
                .field("commandsPerFsync", run.commandsPerFsync())
                .field("leaderFsyncs", run.server().fsyncs())
                .field("leaderDurableEntries", run.server().durableEntries())
                .field("leaderCommitted", run.server().committed())
                .field("gcPauses", new Json().field("count", run.gc().count()).field("totalMs", run.gc().totalMillis())
                        .field("maxMs", run.gc().maxMillis()).field("source", run.gc().source()))
                .field("honesty", new Json().field("holds", run.honesty().holds())
                        .field("acknowledged", run.honesty().acknowledged()).field("committed", run.honesty().committed())
                        .field("unknown", run.honesty().unknown()).field("unit", run.honesty().unit())
                        .field("withoutOwnIndex", run.honesty().withoutOwnIndex()))
                .field("leadershipChanges", run.leadershipChanges())
                .field("openLoopBacklog", run.backlog())
                .field("loadAverage", run.loadAverage())
                .field("otherProcessesCores", run.otherCores())
                .field("failure", run.failure())
                .toString();
    }
}
