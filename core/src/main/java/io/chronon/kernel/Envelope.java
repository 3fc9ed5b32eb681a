package io.chronon.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The kernel's framing of a log entry's payload: one byte of kind, then the body. The replica treats
 * payloads as opaque; the executor reads the kind to tell an application command from the kernel's
 * own entries about effects.
 */
public final class Envelope {
    public static final byte COMMAND = 1;
    /**
     * A sink confirmed an effect: it leaves the outbox. Body: the effect id, then one byte: 1 if the
     * sink found it already delivered (a suppressed duplicate), 0 if not.
     */
    public static final byte EFFECT_DONE = 2;
    /** An effect failed too often: it is marked failed. Body: id, attempts, last error. */
    public static final byte EFFECT_FAILED = 3;
    /** An operator asked to try a failed effect again. Body: the effect id. */
    public static final byte EFFECT_RETRY = 4;

    private Envelope() {}

    /** Frames an application command for the log. */
    public static byte[] command(byte[] command) {
        byte[] payload = new byte[command.length + 1];
        payload[0] = COMMAND;
        System.arraycopy(command, 0, payload, 1, command.length);
        return payload;
    }

    public static byte[] effectDone(EffectId id, boolean duplicateSuppressed) {
        return ByteBuffer.allocate(18).put(EFFECT_DONE).put(id.toBytes()).put((byte) (duplicateSuppressed ? 1 : 0))
                .array();
    }

    /** Whether an {@link #EFFECT_DONE} entry says the sink suppressed a duplicate. */
    public static boolean duplicateSuppressed(byte[] payload) {
        return payload.length > 17 && payload[17] == 1;
    }

    public static byte[] effectRetry(EffectId id) {
        return ByteBuffer.allocate(17).put(EFFECT_RETRY).put(id.toBytes()).array();
    }

    public static byte[] effectFailed(EffectId id, int attempts, String error) {
        byte[] text = error.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 4096);
        return ByteBuffer.allocate(25 + length).put(EFFECT_FAILED).put(id.toBytes()).putInt(attempts)
                .putInt(length).put(text, 0, length).array();
    }

    /** The effect an {@link #EFFECT_DONE}, {@link #EFFECT_FAILED} or {@link #EFFECT_RETRY} entry is about. */
    public static EffectId effectId(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload, 1, 16);
        return new EffectId(buffer.getLong(), buffer.getLong());
    }

    /** The attempts and error of an {@link #EFFECT_FAILED} entry. */
    static Outbox.Pending failed(byte[] payload, Outbox.Pending effect) {
        ByteBuffer buffer = ByteBuffer.wrap(payload, 17, payload.length - 17);
        int attempts = buffer.getInt();
        byte[] text = new byte[buffer.getInt()];
        buffer.get(text);
        return new Outbox.Pending(effect.id(), effect.index(), effect.ordinal(), effect.sink(), effect.payload(),
                Outbox.Status.FAILED, attempts, new String(text, StandardCharsets.UTF_8));
    }

    /** The kind of a payload: {@link #COMMAND} or one of the effect entries (0 if empty). */
    public static byte kind(byte[] payload) {
        return payload.length == 0 ? 0 : payload[0];
    }

    /** A command's bytes, without the kind. */
    public static byte[] body(byte[] payload) {
        return Arrays.copyOfRange(payload, 1, payload.length);
    }
}
