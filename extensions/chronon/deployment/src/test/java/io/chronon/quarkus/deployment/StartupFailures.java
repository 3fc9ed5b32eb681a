package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finds the message of the failure that stopped an application from starting. */
final class StartupFailures {
    private StartupFailures() {
    }

    static String message(Throwable error, String containing) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains(containing)) {
                return cause.getMessage();
            }
        }
        assertTrue(false, "the start failed for another reason: " + error);
        return null;
    }
}
