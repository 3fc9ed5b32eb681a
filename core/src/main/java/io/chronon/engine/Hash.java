package io.chronon.engine;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 digest: the link of the hash chain, the payload hash of an entry, the digest of a
 * snapshot. Immutable, compared by value.
 *
 * <p>SHA-256 comes with every JDK and runs on the SHA-NI instructions where the CPU has them, so a
 * 128-byte entry header hashes in well under a microsecond.
 */
public final class Hash implements Comparable<Hash> {
    public static final int BYTES = 32;

    /** The hash that the first entry of a fresh log links to. */
    public static final Hash ZERO = new Hash(new byte[BYTES]);

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    });

    private final byte[] bytes;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Hash wrap(byte[] bytes) {
        Invariants.check(bytes.length == BYTES, "a hash has %s bytes, not %s", BYTES, bytes.length);
        return new Hash(bytes.clone());
    }

    /** Reads 32 bytes at the buffer's position and advances it. */
    public static Hash read(ByteBuffer buffer) {
        byte[] bytes = new byte[BYTES];
        buffer.get(bytes);
        return new Hash(bytes);
    }

    /** Reads 32 bytes at an absolute offset without moving the position. */
    public static Hash read(ByteBuffer buffer, int offset) {
        byte[] bytes = new byte[BYTES];
        buffer.get(offset, bytes);
        return new Hash(bytes);
    }

    public static Hash parse(String hex) {
        return wrap(HexFormat.of().parseHex(hex));
    }

    public static Hash sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    public static Hash sha256(byte[] data, int offset, int length) {
        MessageDigest digest = SHA256.get();
        digest.update(data, offset, length);
        return new Hash(digest.digest());
    }

    /** Hashes the remaining bytes of the buffer without moving its position. */
    public static Hash sha256(ByteBuffer data) {
        MessageDigest digest = SHA256.get();
        digest.update(data.duplicate());
        return new Hash(digest.digest());
    }

    /** A reusable incremental digest, for data that arrives in pieces (snapshots). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    public static Hash finish(MessageDigest digest) {
        return new Hash(digest.digest());
    }

    public void write(ByteBuffer buffer) {
        buffer.put(bytes);
    }

    public void write(ByteBuffer buffer, int offset) {
        buffer.put(offset, bytes);
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The first 8 bytes in hex: enough to tell hashes apart in logs and dumps. */
    public String shortHex() {
        return HexFormat.of().formatHex(bytes, 0, 8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Hash hash && Arrays.equals(bytes, hash.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Hash other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
