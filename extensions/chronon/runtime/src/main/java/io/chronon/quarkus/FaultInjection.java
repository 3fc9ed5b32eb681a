package io.chronon.quarkus;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.chronon.engine.Disk;
import io.chronon.engine.SlowBarrierDisk;
import io.chronon.engine.Sleeper;

/**
 * The faults a chaos harness may inject into a running node: a slow disk (every durability point of
 * the log waits a delay first) and a skewed wall clock (an offset added to the consensus time this
 * node stamps on entries while it is primary). Both start from {@code chronon.test.disk-barrier-delay}
 * and {@code chronon.test.clock-offset}; with {@code chronon.test.fault-control=true} they can also be
 * changed at run time through {@code /chronon/test/faults}. With none of these set, nothing is wrapped:
 * the production path has no hook at all.
 */
@Singleton
public class FaultInjection {
    private final boolean armed;
    private final boolean controllable;
    private final AtomicLong barrierDelayNanos = new AtomicLong();
    private final AtomicLong clockOffsetNanos = new AtomicLong();

    @Inject
    public FaultInjection(ChrononConfig config) {
        this(config.test().faultControl(), config.test().diskBarrierDelay().orElse(Duration.ZERO),
                config.test().clockOffset().orElse(Duration.ZERO));
    }

    FaultInjection(boolean controllable, Duration barrierDelay, Duration clockOffset) {
        if (barrierDelay.isNegative()) {
            throw new IllegalArgumentException("chronon.test.disk-barrier-delay cannot be negative: " + barrierDelay);
        }
        this.controllable = controllable;
        this.armed = controllable || !barrierDelay.isZero() || !clockOffset.isZero();
        barrierDelayNanos.set(barrierDelay.toNanos());
        clockOffsetNanos.set(clockOffset.toNanos());
    }

    /** Whether {@code /chronon/test/faults} may change the faults. */
    public boolean controllable() {
        return controllable;
    }

    public Duration diskBarrierDelay() {
        return Duration.ofNanos(barrierDelayNanos.get());
    }

    public Duration clockOffset() {
        return Duration.ofNanos(clockOffsetNanos.get());
    }

    /** Sets both faults; zero turns one off. */
    public void set(Duration barrierDelay, Duration clockOffset) {
        if (!controllable) {
            throw new IllegalStateException("fault control is off (chronon.test.fault-control=false)");
        }
        if (barrierDelay.isNegative()) {
            throw new IllegalArgumentException("a disk barrier delay cannot be negative: " + barrierDelay);
        }
        barrierDelayNanos.set(barrierDelay.toNanos());
        clockOffsetNanos.set(clockOffset.toNanos());
    }

    /** The node's disk, slowed when the harness asks for it. */
    Disk disk(Disk disk) {
        return armed ? new SlowBarrierDisk(disk, barrierDelayNanos::get, Sleeper.SYSTEM) : disk;
    }

    /** The node's wall clock, skewed when the harness asks for it. */
    LongSupplier clock(LongSupplier clock) {
        return armed ? () -> clock.getAsLong() + clockOffsetNanos.get() : clock;
    }
}
