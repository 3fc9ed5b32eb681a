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

    /** Delivers one effect; completes once the sink has durably taken it, exceptionally if it has not. */
    CompletionStage<Void> deliver(EffectId id, long view, byte[] payload);
}
