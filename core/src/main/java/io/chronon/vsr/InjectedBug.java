package io.chronon.vsr;

/**
 * Protocol bugs a replica can be told to have, so that the simulator can prove it catches them.
 * For the simulator's own tests only: production configurations never set any.
 */
public enum InjectedBug {
    /** The primary commits what it alone holds, without waiting for a quorum. */
    COMMIT_WITHOUT_QUORUM,
    /** A replica adopting another log drops its divergent suffix in memory only, never on disk. */
    SKIP_SUFFIX_TRUNCATION,
    /** Backups acknowledge entries (and the primary counts its own) before they are durable. */
    ACKNOWLEDGE_BEFORE_BARRIER
}
