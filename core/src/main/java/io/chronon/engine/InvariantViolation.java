package io.chronon.engine;

/**
 * A broken invariant: the code is in a state it was written never to reach.
 *
 * <p>This is an {@link Error}, not an exception, on purpose: ordinary {@code catch (Exception e)}
 * handlers must not swallow it. The only correct response to corrupt program state is to crash and
 * let crash-only recovery rebuild the state from durable storage.
 */
public final class InvariantViolation extends Error {
    private static final long serialVersionUID = 1L;

    public InvariantViolation(String message) {
        super(message);
    }
}
