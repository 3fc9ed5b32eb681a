package io.chronon.bench.cluster;

/**
 * Cumulative counters read from a system's leader at one moment; subtract two readings to get a window.
 *
 * @param committed      what the servers say was committed, in the system's unit (see
 *                       {@link SystemUnderTest#committedUnit}): the most any replica reports, so that a
 *                       leader replaced during the run cannot hide commits
 * @param leadership     a number that grows whenever leadership changes (Chronon's view, etcd's leader
 *                       changes seen, Ratis' term)
 * @param fsyncs         log fsyncs of the leader, or -1 when the system does not expose them
 * @param durableEntries log entries the leader made durable with those fsyncs, or -1 when the system
 *                       does not say (only Chronon's barrier metrics do)
 * @param gcPauses       stop-the-world GC pauses of all servers so far, for systems that only expose a
 *                       cumulative count (etcd); 0 for those whose pauses come from logs
 * @param gcPauseSeconds their total duration
 * @param replicas       what each replica reported (role, term or view, commit), to explain a failed check
 */
record ServerCounters(long committed, long leadership, long fsyncs, long durableEntries, long gcPauses,
                      double gcPauseSeconds, String replicas) {
    /** The window between two readings; its {@code replicas} tells both. */
    ServerCounters minus(ServerCounters earlier) {
        return new ServerCounters(committed - earlier.committed, leadership - earlier.leadership,
                fsyncs < 0 ? -1 : fsyncs - earlier.fsyncs,
                durableEntries < 0 ? -1 : durableEntries - earlier.durableEntries, gcPauses - earlier.gcPauses,
                gcPauseSeconds - earlier.gcPauseSeconds, "from " + earlier.replicas + " to " + replicas);
    }
}
