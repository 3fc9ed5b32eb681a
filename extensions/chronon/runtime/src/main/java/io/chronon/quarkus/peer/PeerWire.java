package io.chronon.quarkus.peer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

/**
 * The peer service's wire: two gRPC methods whose messages are plain bytes (no generated code),
 * and the layout of those bytes. Protocol messages travel inside as {@link io.chronon.vsr.MessageCodec}
 * frames, each with its own CRC32C; this layer adds the handshake and batching.
 *
 * <pre>
 * Connect (bidirectional stream, opened by the sender):
 *   server → client  Challenge  [version][server id: int][nonce: 32 bytes]
 *   client → server  Proof      [version][from: int][to: int][cluster: 16 bytes][HMAC: 32 bytes]
 *   client → server  Batch      [count: int] then count × [length: int][frame]     (repeated)
 * Describe (unary, used by an empty replica before it knows its cluster):
 *   request          [version][from: int][to: int][nonce: 32 bytes]
 *   reply            [version][responder: int][kind: byte][cluster: 16 bytes][genesis: byte][HMAC: 32 bytes]
 * </pre>
 * Nothing but the challenge ever travels from the server to the client: a replica sends protocol
 * messages only on connections it dialled, so a proxy can cut one direction.
 */
public final class PeerWire {
    public static final String SERVICE = "chronon.peer.v1.Peer";
    public static final byte VERSION = 1;
    public static final int NONCE_BYTES = 32;
    /** The largest gRPC message either side accepts: a batch, or one large frame (a snapshot chunk). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new BytesStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<byte[], byte[]> CONNECT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Connect"))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    public static final MethodDescriptor<byte[], byte[]> DESCRIBE = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Describe"))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    public static final MethodDescriptor<byte[], byte[]> DIGESTS = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Digests"))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    private PeerWire() {}

    /**
     * A message's bytes as gRPC wants them: Quarkus's Vert.x server writes a response by draining its
     * stream, so the stream must be {@link Drainable}.
     */
    private static final class BytesStream extends ByteArrayInputStream implements Drainable, KnownLength {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int remaining = count - pos;
            target.write(buf, pos, remaining);
            pos = count;
            return remaining;
        }
    }

    public record Challenge(int server, byte[] nonce) {
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 4 + NONCE_BYTES).put(VERSION).putInt(server).put(nonce).array();
        }

        public static Challenge decode(byte[] bytes) {
            ByteBuffer in = open(bytes, 1 + 4 + NONCE_BYTES, "challenge");
            return new Challenge(in.getInt(), take(in, NONCE_BYTES));
        }
    }

    public record Proof(int from, int to, UUID cluster, byte[] mac) {
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 4 + 4 + 16 + PeerSecret.MAC_BYTES).put(VERSION).putInt(from).putInt(to)
                    .putLong(cluster.getMostSignificantBits()).putLong(cluster.getLeastSignificantBits()).put(mac)
                    .array();
        }

        public static Proof decode(byte[] bytes) {
            ByteBuffer in = open(bytes, 1 + 4 + 4 + 16 + PeerSecret.MAC_BYTES, "proof");
            return new Proof(in.getInt(), in.getInt(), new UUID(in.getLong(), in.getLong()),
                    take(in, PeerSecret.MAC_BYTES));
        }
    }

    public record DescribeRequest(int from, int to, byte[] nonce) {
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 4 + 4 + NONCE_BYTES).put(VERSION).putInt(from).putInt(to).put(nonce).array();
        }

        public static DescribeRequest decode(byte[] bytes) {
            ByteBuffer in = open(bytes, 1 + 4 + 4 + NONCE_BYTES, "describe request");
            return new DescribeRequest(in.getInt(), in.getInt(), take(in, NONCE_BYTES));
        }
    }

    /** {@code cluster} is null when the responder's directory is empty. */
    public record DescribeReply(int responder, UUID cluster, boolean genesis, byte[] mac) {
        /** The bytes the MAC covers, bound to the request's nonce and both ends. */
        public static byte[] signed(DescribeRequest request, int responder, UUID cluster, boolean genesis) {
            return ByteBuffer.allocate(NONCE_BYTES + 4 + 4 + 4 + 1 + 16 + 1).put(request.nonce())
                    .putInt(request.from()).putInt(request.to()).putInt(responder).put((byte) (cluster == null ? 0 : 1))
                    .putLong(cluster == null ? 0 : cluster.getMostSignificantBits())
                    .putLong(cluster == null ? 0 : cluster.getLeastSignificantBits()).put((byte) (genesis ? 1 : 0))
                    .array();
        }

        public byte[] encode() {
            return ByteBuffer.allocate(1 + 4 + 1 + 16 + 1 + PeerSecret.MAC_BYTES).put(VERSION).putInt(responder)
                    .put((byte) (cluster == null ? 0 : 1))
                    .putLong(cluster == null ? 0 : cluster.getMostSignificantBits())
                    .putLong(cluster == null ? 0 : cluster.getLeastSignificantBits()).put((byte) (genesis ? 1 : 0))
                    .put(mac).array();
        }

        public static DescribeReply decode(byte[] bytes) {
            ByteBuffer in = open(bytes, 1 + 4 + 1 + 16 + 1 + PeerSecret.MAC_BYTES, "describe reply");
            int responder = in.getInt();
            byte kind = in.get();
            UUID cluster = new UUID(in.getLong(), in.getLong());
            byte genesis = in.get();
            if (kind > 1 || genesis > 1 || kind < 0 || genesis < 0) {
                throw new IllegalArgumentException("describe reply with kind " + kind + " and genesis " + genesis);
            }
            return new DescribeReply(responder, kind == 0 ? null : cluster, genesis == 1,
                    take(in, PeerSecret.MAC_BYTES));
        }
    }

    /** Asks a replica for its applied-state digests at {@code indices} (for {@code GET /chronon/verify}). */
    public record DigestsRequest(int from, int to, byte[] nonce, long[] indices) {
        /** The most indices one request may name. */
        public static final int MAX_INDICES = 10_000;

        public DigestsRequest {
            if (indices.length == 0 || indices.length > MAX_INDICES) {
                throw new IllegalArgumentException("a digests request names 1 to " + MAX_INDICES + " indices, not "
                        + indices.length);
            }
        }

        public byte[] encode() {
            ByteBuffer out = ByteBuffer.allocate(1 + 4 + 4 + NONCE_BYTES + 4 + 8 * indices.length).put(VERSION)
                    .putInt(from).putInt(to).put(nonce).putInt(indices.length);
            for (long index : indices) {
                out.putLong(index);
            }
            return out.array();
        }

        public static DigestsRequest decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (bytes.length < 1 + 4 + 4 + NONCE_BYTES + 4 || in.get() != VERSION) {
                throw new IllegalArgumentException("a digests request of " + bytes.length + " bytes");
            }
            int from = in.getInt();
            int to = in.getInt();
            byte[] nonce = take(in, NONCE_BYTES);
            int count = in.getInt();
            if (count < 1 || count > MAX_INDICES || in.remaining() != 8L * count) {
                throw new IllegalArgumentException("a digests request naming " + count + " indices in " + in.remaining()
                        + " bytes");
            }
            long[] indices = new long[count];
            for (int i = 0; i < count; i++) {
                indices[i] = in.getLong();
            }
            return new DigestsRequest(from, to, nonce, indices);
        }
    }

    /**
     * A replica's digests at the indices asked ({@code digests} in the same order), or, when it cannot
     * rebuild them, none and why ({@code problem}); signed with the cluster secret over the request's
     * nonce, so that only a replica of this cluster can answer, and only this question.
     */
    public record DigestsReply(int responder, byte[][] digests, String problem, byte[] mac) {
        /** The bytes the MAC covers. */
        public static byte[] signed(DigestsRequest request, int responder, byte[][] digests, String problem) {
            byte[] text = problem == null ? new byte[0] : problem.getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + 4 + 4 + 4 + 4 + 32 * digests.length + 4 + text.length
                    + 8 * request.indices().length).put(request.nonce()).putInt(request.from()).putInt(request.to())
                    .putInt(responder).putInt(digests.length);
            for (byte[] digest : digests) {
                out.put(digest);
            }
            out.putInt(text.length).put(text);
            for (long index : request.indices()) {
                out.putLong(index);
            }
            return out.array();
        }

        public byte[] encode() {
            byte[] text = problem == null ? new byte[0] : problem.getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(1 + 4 + 4 + 32 * digests.length + 4 + text.length
                    + PeerSecret.MAC_BYTES).put(VERSION).putInt(responder).putInt(digests.length);
            for (byte[] digest : digests) {
                out.put(digest);
            }
            return out.putInt(text.length).put(text).put(mac).array();
        }

        public static DigestsReply decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (bytes.length < 1 + 4 + 4 + 4 + PeerSecret.MAC_BYTES || in.get() != VERSION) {
                throw new IllegalArgumentException("a digests reply of " + bytes.length + " bytes");
            }
            int responder = in.getInt();
            int count = in.getInt();
            if (count < 0 || count > DigestsRequest.MAX_INDICES || in.remaining() < 32L * count + 4) {
                throw new IllegalArgumentException("a digests reply with " + count + " digests");
            }
            byte[][] digests = new byte[count][];
            for (int i = 0; i < count; i++) {
                digests[i] = take(in, 32);
            }
            int length = in.getInt();
            if (length < 0 || in.remaining() != length + PeerSecret.MAC_BYTES) {
                throw new IllegalArgumentException("a digests reply with a problem of " + length + " bytes");
            }
            byte[] text = take(in, length);
            return new DigestsReply(responder, digests, length == 0 ? null : new String(text, StandardCharsets.UTF_8),
                    take(in, PeerSecret.MAC_BYTES));
        }
    }

    public static byte[] batch(List<byte[]> frames) {
        int size = 4;
        for (byte[] frame : frames) {
            size += 4 + frame.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(frames.size());
        for (byte[] frame : frames) {
            out.putInt(frame.length).put(frame);
        }
        return out.array();
    }

    /** The frames of a batch, unchecked: each is checked when it is decoded as a message. */
    public static List<byte[]> frames(byte[] batch) {
        try {
            ByteBuffer in = ByteBuffer.wrap(batch);
            int count = in.getInt();
            if (count < 0 || count > batch.length / 4) {
                throw new IllegalArgumentException("a batch of " + batch.length + " bytes cannot hold " + count
                        + " frames");
            }
            List<byte[]> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IllegalArgumentException("frame " + i + " of a batch claims " + length + " bytes");
                }
                frames.add(take(in, length));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " stray bytes after a batch");
            }
            return frames;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a batch cut short");
        }
    }

    private static ByteBuffer open(byte[] bytes, int expected, String what) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("a " + what + " of " + bytes.length + " bytes, expected " + expected);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("a " + what + " of version " + version + ", expected " + VERSION);
        }
        return in;
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
