package io.chronon.client;

/**
 * No node served the call before the deadline. For a command, none of the attempts can have been
 * executed (each was refused before it was sent, or answered 503 or 429), so it may be submitted
 * again; a query has no effect to worry about.
 */
public final class UnavailableException extends ChrononException {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
