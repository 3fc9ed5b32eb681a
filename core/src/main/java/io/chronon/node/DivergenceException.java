package io.chronon.node;

import io.chronon.engine.Hash;

/**
 * Two replicas applied the same committed log and disagree: the application is not deterministic
 * (or a replica's memory or code differs). Nothing a replica does afterwards can be trusted, so the
 * node stops loudly, naming the first index where they differ.
 *
 * @param index    the first index whose applied-state digest differs ({@code state}: false), or the
 *                 snapshot index whose full-state hash differs while the digests agreed
 *                 ({@code state}: true)
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long index;
    private final int peer;
    private final boolean state;

    DivergenceException(int self, int peer, long index, boolean state, Hash here, Hash there, long lastAgreedState) {
        super(message(self, peer, index, state, here, there, lastAgreedState));
        this.index = index;
        this.peer = peer;
        this.state = state;
    }

    private static String message(int self, int peer, long index, boolean state, Hash here, Hash there,
                                  long lastAgreedState) {
        if (!state) {
            return "divergence: replica " + self + " and replica " + peer + " applied the same log and first differ"
                    + " at index " + index + " (applied-state digest " + here.shortHex() + " here, " + there.shortHex()
                    + " there): apply() gave another outcome or other effects for the same command."
                    + " The application is not deterministic; see the application guide.";
        }
        return "divergence: replica " + self + " and replica " + peer + " hold different states after index "
                + index + " (state hash " + here.shortHex() + " here, " + there.shortHex() + " there) although every"
                + " outcome agreed: apply() changed the state differently somewhere after "
                + (lastAgreedState < 0 ? "the start" : "index " + lastAgreedState) + " and through index " + index
                + ". The application is not deterministic, or does not write its snapshot canonically;"
                + " see the application guide.";
    }

    /** The first divergent index (or the snapshot index, for a state divergence). */
    public long index() {
        return index;
    }

    public int peer() {
        return peer;
    }

    /** True if whole states differed at a snapshot point while the digests agreed. */
    public boolean stateDivergence() {
        return state;
    }
}
