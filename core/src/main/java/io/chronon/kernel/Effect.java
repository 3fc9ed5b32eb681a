package io.chronon.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * A side effect an application asks for when it applies a command: deliver {@code payload} to the
 * sink named {@code sink} (a database table, a broker channel). The kernel records it in its outbox
 * and delivers it once the command is committed, from the primary only, until a sink confirms it.
 */
public record Effect(String sink, byte[] payload) {
    public Effect {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(payload, "payload");
        if (sink.isBlank()) {
            throw new IllegalArgumentException("an effect names its sink");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Effect effect && sink.equals(effect.sink) && Arrays.equals(payload, effect.payload);
    }

    @Override
    public int hashCode() {
        return 31 * sink.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Effect[" + sink + ", " + payload.length + " bytes]";
    }
}
