package io.chronon.engine;

/**
 * Thrown by a {@link FaultyDisk} when a test asked it to crash: it unwinds the code that was using
 * the disk, the way a power cut stops a process mid-call. After it, the disk refuses every call;
 * recovery opens a fresh disk over the same medium.
 */
public final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    public SimulatedCrash(String message) {
        super(message, null, false, false);
    }
}
