package io.chronon.kernel;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

import io.chronon.engine.Hash;

/**
 * The identity of one effect: the first 16 bytes of SHA-256(cluster id ‖ log index ‖ ordinal). The
 * same on every replica and in every re-execution after a failover, so a sink can deduplicate by it;
 * different across clusters, so two clusters writing to one database never collide.
 */
public record EffectId(long high, long low) implements Comparable<EffectId> {

    public static EffectId of(UUID cluster, long index, int ordinal) {
        MessageDigest sha = Hash.newDigest();
        sha.update(ByteBuffer.allocate(28).putLong(cluster.getMostSignificantBits())
                .putLong(cluster.getLeastSignificantBits()).putLong(index).putInt(ordinal).array());
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        return new EffectId(digest.getLong(), digest.getLong());
    }

    public static EffectId parse(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an effect id has 32 hex digits: " + hex);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new EffectId(buffer.getLong(), buffer.getLong());
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(16).putLong(high).putLong(low).array();
    }

    @Override
    public int compareTo(EffectId other) {
        int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(toBytes());
    }
}
