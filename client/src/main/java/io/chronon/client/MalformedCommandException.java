package io.chronon.client;

/**
 * The node refused the request body before proposing it (HTTP 400: not a command or query it can
 * read; HTTP 413: too large). Nothing was executed, and sending the same body again cannot succeed.
 */
public final class MalformedCommandException extends ChrononException {
    private static final long serialVersionUID = 1L;

    private final int status;

    MalformedCommandException(int status, String error) {
        super("HTTP " + status + ": " + error, null);
        this.status = status;
    }

    /** The HTTP status: 400 (malformed) or 413 (too large). */
    public int status() {
        return status;
    }
}
