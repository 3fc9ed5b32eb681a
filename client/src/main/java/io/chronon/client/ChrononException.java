package io.chronon.client;

/**
 * Why a call to the cluster did not produce a result. The subclasses say what the caller may safely
 * do next: a rejection is final, an unavailable cluster means the command was not executed and may be
 * submitted again, an unknown outcome means it may or may not have been.
 */
public abstract sealed class ChrononException extends RuntimeException
        permits RejectedException, MalformedCommandException, StaleRequestException, OutcomeUnknownException,
                UnavailableException, UnexpectedResponseException {
    private static final long serialVersionUID = 1L;

    ChrononException(String message, Throwable cause) {
        super(message, cause);
    }
}
