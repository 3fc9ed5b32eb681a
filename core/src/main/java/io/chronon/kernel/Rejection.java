package io.chronon.kernel;

import java.util.Objects;

/**
 * A deterministic "no" from the application: a business rule refused the command. The log index is
 * consumed, the state is unchanged, every replica reaches the same rejection.
 *
 * @param code    a stable, machine-readable reason, e.g. {@code insufficient-funds}
 * @param message for people
 */
public record Rejection(String code, String message) {
    public Rejection {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
