package io.chronon.engine;

import java.util.concurrent.locks.LockSupport;

/** How a stalled disk waits. Injected so that tests and the simulator can stall without sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = LockSupport::parkNanos;

    void sleep(long nanos);
}
