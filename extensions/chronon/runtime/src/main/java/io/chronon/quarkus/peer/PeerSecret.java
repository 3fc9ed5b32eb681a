package io.chronon.quarkus.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof of the cluster secret: HMAC-SHA256 over a fresh nonce of the other side, both replica ids
 * and the cluster id, so a proof cannot be replayed on another connection, towards another replica
 * or into another cluster. Without a configured secret (allowed in dev and test only) a fixed key is
 * used: peers still check ids and cluster, not identity.
 */
public final class PeerSecret {
    public static final int MAC_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] NO_SECRET = "chronon: no cluster secret configured".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONNECT_CONTEXT = "chronon-peer-v1 connect".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DESCRIBE_CONTEXT = "chronon-peer-v1 describe".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DIGESTS_CONTEXT = "chronon-peer-v1 digests".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public PeerSecret(String secret) {
        byte[] bytes = secret == null || secret.isEmpty() ? NO_SECRET : secret.getBytes(StandardCharsets.UTF_8);
        this.key = new SecretKeySpec(bytes, ALGORITHM);
    }

    public byte[] nonce() {
        byte[] nonce = new byte[PeerWire.NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    public byte[] connectProof(byte[] challenge, int from, int to, UUID cluster) {
        return mac(CONNECT_CONTEXT, ByteBuffer.allocate(challenge.length + 4 + 4 + 16).put(challenge).putInt(from)
                .putInt(to).putLong(cluster.getMostSignificantBits()).putLong(cluster.getLeastSignificantBits())
                .array());
    }

    public byte[] describeProof(byte[] signed) {
        return mac(DESCRIBE_CONTEXT, signed);
    }

    public byte[] digestsProof(byte[] signed) {
        return mac(DIGESTS_CONTEXT, signed);
    }

    /** Compares in constant time, so the comparison leaks nothing about the expected MAC. */
    public static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private byte[] mac(byte[] context, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(context);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
