package io.chronon.vsr;

/** How a read is made safe. */
public enum ReadConsistency {
    /**
     * The primary confirms it still leads with a quorum round started after the read arrived: safe
     * whatever the clocks do. The default.
     */
    LINEARIZABLE,
    /**
     * The primary serves at once while its lease holds: a quorum answered a heartbeat recently
     * enough that no new primary can exist yet. Safe as long as tick rates differ by at most the
     * configured clock drift and the driver delivers the ticks of all elapsed time (a paused
     * process catches up its ticks before anything else). Falls back to a round when the lease has
     * lapsed.
     */
    LEASE
}
