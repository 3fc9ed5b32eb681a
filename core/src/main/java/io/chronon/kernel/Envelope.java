package io.chronon.kernel;

import java.util.Arrays;

/**
 * The kernel's framing of a log entry's payload: one byte of kind, then the body. The replica treats
 * payloads as opaque; the executor reads the kind to tell an application command from the kernel's
 * own entries.
 */
public final class Envelope {
    public static final byte COMMAND = 1;

    private Envelope() {}

    /** Frames an application command for the log. */
    public static byte[] command(byte[] command) {
        byte[] payload = new byte[command.length + 1];
        payload[0] = COMMAND;
        System.arraycopy(command, 0, payload, 1, command.length);
        return payload;
    }

    static byte kind(byte[] payload) {
        return payload.length == 0 ? 0 : payload[0];
    }

    static byte[] body(byte[] payload) {
        return Arrays.copyOfRange(payload, 1, payload.length);
    }
}
