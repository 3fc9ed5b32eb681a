package io.chronon.kernel;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Everything {@link ChrApplication#apply} may know besides the state and the command. The same on
 * every replica.
 *
 * @param index         the log index of the command
 * @param view          the view in which the command was proposed
 * @param timestamp     consensus time: nanoseconds since the Unix epoch, chosen by the primary and
 *                      replicated, never going backwards; use it instead of a clock
 * @param client        the client that sent the command
 * @param requestNumber the client's request number
 * @param seed          a per-entry seed derived from the hash chain and the index
 */
public record ApplyContext(long index, long view, long timestamp, UUID client, long requestNumber, long seed) {

    /** A deterministic random source for this entry: the same numbers on every replica. */
    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }
}
