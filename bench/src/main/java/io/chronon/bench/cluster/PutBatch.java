package io.chronon.bench.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis key-value commands: one message carries one or more puts, {@code [count:int]} then per put
 * {@code [key length:short][key][value length:int][value]}. With one put it is the plain command; with
 * more it is the application-level batch that Ratis leaves to the state machine (one log entry).
 */
final class PutBatch {
    private PutBatch() {}

    static ByteString encode(List<String> keys, String value) {
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        List<byte[]> keyBytes = keys.stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
        int size = Integer.BYTES;
        for (byte[] key : keyBytes) {
            size += Short.BYTES + key.length + Integer.BYTES + valueBytes.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(keys.size());
        for (byte[] key : keyBytes) {
            buffer.putShort((short) key.length).put(key).putInt(valueBytes.length).put(valueBytes);
        }
        return ByteString.copyFrom(buffer.flip());
    }

    /** Hands every put of the message to {@code put}; returns how many there were. */
    static int decode(ByteString message, BiConsumer<String, ByteString> put) {
        ByteBuffer buffer = message.asReadOnlyByteBuffer();
        int count = buffer.getInt();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[buffer.getShort()];
            buffer.get(key);
            int valueLength = buffer.getInt();
            ByteString value = message.substring(buffer.position(), buffer.position() + valueLength);
            buffer.position(buffer.position() + valueLength);
            put.accept(new String(key, StandardCharsets.UTF_8), value);
        }
        return count;
    }
}
