package io.chronon.kernel;

import java.util.concurrent.CompletionStage;

/**
 * Where effects go: a database, a broker channel. Drivers call it; the core decides what to deliver
 * and when. A sink states the guarantee it gives, and tests hold it to that:
 * <ul>
 *   <li>{@link Guarantee#EXACTLY_ONCE}: it records the effect id atomically with the effect's write
 *       and ignores an id it has already taken, so redelivery after a failover is harmless;</li>
 *   <li>{@link Guarantee#AT_LEAST_ONCE}: every effect arrives, possibly more than once; consumers
 *       deduplicate by the effect id.</li>
 * </ul>
 * The {@code view} is a fence: the primary of that view delivers it; a sink that can, refuses a
 * view lower than one it has already seen (a deposed primary still running).
 */
public interface EffectSink {
    enum Guarantee { EXACTLY_ONCE, AT_LEAST_ONCE }

    String name();

    Guarantee guarantee();

    /** Whether this sink needs its effects in log order, one at a time (the default). */
    default boolean ordered() {
        return true;
    }

    /**
     * Delivers one effect; completes once the sink has durably taken it (or found it already there),
     * exceptionally if it has not.
     */
    CompletionStage<Receipt> deliver(Delivery delivery);

    /** How a delivery that succeeded went. */
    enum Receipt {
        /** The sink took the effect with this delivery. */
        DELIVERED,
        /**
         * The sink already held the effect from an earlier delivery (a primary died between the
         * sink's commit and the acknowledgement) and wrote nothing: a suppressed duplicate. Only a
         * sink that recognises effect ids can say so.
         */
        DUPLICATE_SUPPRESSED
    }

    /**
     * One effect to deliver: its id, its place in the log ({@code index} of the entry that produced
     * it, {@code ordinal} among that entry's effects; an ordered sink receives them in this order),
     * the view of the primary delivering it, and its bytes.
     */
    record Delivery(EffectId id, long index, int ordinal, long view, byte[] payload) {
        public Delivery {
            if (index < 0 || ordinal < 0 || view < 0) {
                throw new IllegalArgumentException("no effect at index " + index + ", ordinal " + ordinal + ", view " + view);
            }
        }

        /** Whether this effect comes after the one at {@code otherIndex}, {@code otherOrdinal} in the log. */
        public boolean after(long otherIndex, int otherOrdinal) {
            return index != otherIndex ? index > otherIndex : ordinal > otherOrdinal;
        }
    }
}
