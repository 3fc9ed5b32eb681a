package io.chronon.client;

/**
 * The call ended while the command may have been executed: an attempt timed out or lost its
 * connection after sending, or a node answered 504, and no later attempt with the same request
 * number learned the outcome before the deadline (or a later attempt found the session evicted, so
 * the saved outcome is gone). Submitting the command again is a new request and could execute it
 * twice; look at the state, with a query, to find out whether it happened.
 */
public final class OutcomeUnknownException extends ChrononException {
    private static final long serialVersionUID = 1L;

    OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
