package io.chronon.vsr;

import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Invariants;

/**
 * Fixed parameters of a replica. Time is counted in ticks (the driver calls {@link Replica#tick()}
 * at a fixed rate, 10 ms in production), never read from a clock.
 *
 * @param heartbeatTicks        how often an idle primary tells the backups it is alive
 * @param electionTicksMin      a backup that hears nothing from the primary for a random time in
 *                              [min, 2 × min) starts a view change
 * @param viewChangeTicksMin    a view change that does not complete within a random time in
 *                              [min, 2 × min) moves on to the next view
 * @param requestTicks          how long to wait for an answer to a repair or recovery request
 *                              before asking again (possibly another replica)
 * @param diskStallTicks        a primary whose own write has been outstanding this long steps down
 * @param pipelineMax           most uncommitted entries a primary lets pile up
 * @param batchMaxEntries       most entries in one prepare (and one disk write)
 * @param batchMaxBytes         most payload bytes in one prepare
 * @param queueMax              most client requests waiting for a prepare; beyond, "overloaded"
 * @param messageMaxBytes       payload bytes in one repair or view change message
 * @param memoryMaxEntries      committed entries kept in memory to serve repairs without disk reads
 * @param clockDriftPercent     how much faster one replica's ticks may run than another's; shortens
 *                              the read lease accordingly
 * @param injectedBugs          protocol bugs to have, for the simulator's self-test only; empty otherwise
 */
public record ReplicaConfig(UUID cluster, int replicaCount, int replicaId, int heartbeatTicks, int electionTicksMin,
                            int viewChangeTicksMin, int requestTicks, int diskStallTicks, int pipelineMax,
                            int batchMaxEntries, int batchMaxBytes, int queueMax, int messageMaxBytes,
                            int memoryMaxEntries, int clockDriftPercent, Set<InjectedBug> injectedBugs) {

    public ReplicaConfig {
        Invariants.check(replicaCount >= 1 && replicaCount % 2 == 1 && replicaCount <= 7,
                "a cluster has 1, 3, 5 or 7 replicas, not %s", replicaCount);
        Invariants.check(replicaId >= 0 && replicaId < replicaCount, "replica id %s outside [0, %s)", replicaId,
                replicaCount);
        Invariants.check(heartbeatTicks >= 1 && electionTicksMin > 2 * heartbeatTicks,
                "the election timeout must exceed two heartbeats");
        Invariants.check(viewChangeTicksMin >= 1 && requestTicks >= 1 && diskStallTicks >= 1, "timeouts are positive");
        Invariants.check(pipelineMax >= batchMaxEntries && batchMaxEntries >= 1, "the pipeline holds a batch");
        Invariants.check(batchMaxBytes >= 1 && queueMax >= 1 && messageMaxBytes >= batchMaxBytes,
                "a message holds a batch");
        Invariants.check(memoryMaxEntries >= pipelineMax, "memory holds at least the pipeline");
        Invariants.check(clockDriftPercent >= 0 && clockDriftPercent < 50, "clock drift %s%% outside [0, 50)",
                clockDriftPercent);
        injectedBugs = Set.copyOf(injectedBugs);
    }

    /** Defaults for production: 10 ms ticks, so heartbeats every 50 ms and elections after 300–600 ms. */
    public static ReplicaConfig defaults(UUID cluster, int replicaCount, int replicaId) {
        return new ReplicaConfig(cluster, replicaCount, replicaId, 5, 30, 30, 20, 500, 4096, 1024, 1 << 20,
                10_000, 4 << 20, 16_384, 10, Set.of());
    }

    /**
     * This configuration with another election timeout: backups start a view change after a random
     * time in [{@code ticks}, 2 × {@code ticks}) without the primary, and a view change gives up on
     * its view after as long.
     */
    public ReplicaConfig withElectionTicks(int ticks) {
        return new ReplicaConfig(cluster, replicaCount, replicaId, heartbeatTicks, ticks, ticks, requestTicks,
                diskStallTicks, pipelineMax, batchMaxEntries, batchMaxBytes, queueMax, messageMaxBytes,
                memoryMaxEntries, clockDriftPercent, injectedBugs);
    }

    boolean has(InjectedBug bug) {
        return injectedBugs.contains(bug);
    }

    public int quorum() {
        return replicaCount / 2 + 1;
    }

    /**
     * How long after sending a heartbeat round that a quorum answers the primary may serve lease
     * reads: a backup supports a new view only an election timeout after it last heard the primary,
     * counted on its own ticks, which may run faster by the drift.
     */
    public int leaseTicks() {
        return electionTicksMin * (100 - clockDriftPercent) / 100 - 1;
    }

    public int primaryOf(long view) {
        return (int) (view % replicaCount);
    }
}
