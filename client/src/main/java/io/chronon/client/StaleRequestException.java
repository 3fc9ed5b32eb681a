package io.chronon.client;

/**
 * The node refused the request number (HTTP 409): it is older than the latest this client id used,
 * or the client's session was evicted. The command was not executed. It usually means two clients
 * share one client id; a new {@link ChrononClient} (a new id) starts a new session.
 */
public final class StaleRequestException extends ChrononException {
    private static final long serialVersionUID = 1L;

    StaleRequestException(String error) {
        super("HTTP 409: " + error, null);
    }
}
