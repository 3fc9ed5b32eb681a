package io.chronon.bench.cluster;

/** A system answered a request with a failure (not a timeout): counted as an error of the run. */
final class RefusedException extends RuntimeException {
    RefusedException(String message) {
        super(message, null, false, false);
    }
}
