package io.chronon.client;

/**
 * A node answered something the REST contract does not allow for this call: another status code,
 * or a body that is not the JSON the status promises. Whether a command was executed is not known.
 */
public final class UnexpectedResponseException extends ChrononException {
    private static final long serialVersionUID = 1L;

    private final int status;

    UnexpectedResponseException(int status, String detail, Throwable cause) {
        super("unexpected answer, HTTP " + status + ": " + detail, cause);
        this.status = status;
    }

    /** The HTTP status of the unexpected answer. */
    public int status() {
        return status;
    }
}
