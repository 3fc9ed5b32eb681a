package io.chronon.node;

/**
 * Places where a test can make a node die on purpose, to prove that a crash exactly there loses
 * nothing. Off unless configured ({@code chronon.test.halt-points}); the simulator reaches them at
 * random. Each names the moment between two durable steps that recovery must bridge.
 */
public enum HaltPoint {
    /** A sink took an effect; the acknowledgement entry is not proposed yet. The next primary delivers it again. */
    AFTER_SINK_COMMIT_BEFORE_ACK,
    /** A snapshot is durable; older snapshots and the log below it are not yet removed. */
    AFTER_SNAPSHOT_BEFORE_COMPACTION,
    /** A snapshot received from a peer is durable and verified; the log has not been replaced yet. */
    AFTER_RECEIVED_SNAPSHOT_BEFORE_LOG_RESTART,
    /** The log was replaced to continue from a received snapshot; the manifest does not record it yet. */
    AFTER_LOG_RESTART_BEFORE_MANIFEST;

    /** What a driver does at a halt point. */
    @FunctionalInterface
    public interface Hook {
        /** Never halts: production without test configuration. */
        Hook NEVER = point -> { };

        /** Called when a node reaches {@code point}; a hook that halts does not return. */
        void reached(HaltPoint point);
    }
}
