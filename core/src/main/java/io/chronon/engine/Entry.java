package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of the replicated log: an opaque payload (a command, or a system event of the kernel)
 * with the metadata consensus gave it, linked to its predecessor by hash.
 *
 * <p>The entry's {@link #hash()} is SHA-256 over its encoded header, which holds the previous
 * entry's hash and the payload's hash: each entry commits to the whole history before it.
 *
 * <p>On disk an entry is a 128-byte little-endian header followed by the payload:
 * <pre>
 *   0  u32  CRC-32C of bytes [4, 128)
 *   4  u32  magic "CHRE"
 *   8  u32  payload length
 *  12  u16  format version (1)     14  u16  reserved (0)
 *  16  u64  index                  24  u64  view
 *  32  u64  consensus timestamp (nanoseconds since the Unix epoch, chosen by the primary)
 *  40  u128 client id (most significant half first)
 *  56  u64  request number
 *  64  [32] hash of the previous entry
 *  96  [32] SHA-256 of the payload
 * </pre>
 *
 * @param client        the client that sent the command, or {@link #NO_CLIENT} for system entries
 * @param requestNumber the client's request number, 0 for system entries
 */
public final class Entry {

    public static final UUID NO_CLIENT = new UUID(0, 0);
    public static final int HEADER_BYTES = 128;
    public static final int MAGIC = 0x45524843; // "CHRE" read as little-endian
    public static final short FORMAT_VERSION = 1;

    private final long index;
    private final long view;
    private final long timestamp;
    private final UUID client;
    private final long requestNumber;
    private final byte[] payload;
    private final Hash previousHash;
    private final Hash payloadHash;
    private final Hash hash;
    /** The encoded header, kept so that writing the entry does not build it again. */
    private final byte[] header;

    private Entry(long index, long view, long timestamp, UUID client, long requestNumber, byte[] payload,
                  Hash previousHash, Hash payloadHash, Hash hash, byte[] header) {
        this.index = index;
        this.view = view;
        this.timestamp = timestamp;
        this.client = client;
        this.requestNumber = requestNumber;
        this.payload = payload;
        this.previousHash = previousHash;
        this.payloadHash = payloadHash;
        this.hash = hash;
        this.header = header;
    }

    /**
     * Builds an entry, computing its payload hash and its own hash. The payload array is owned by
     * the entry from here on: callers must not modify it.
     */
    public static Entry create(long index, long view, long timestamp, UUID client, long requestNumber,
                               byte[] payload, Hash previousHash) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(previousHash, "previousHash");
        Invariants.check(index >= 0, "entry index must not be negative: %s", index);
        Invariants.check(view >= 0, "entry view must not be negative: %s", view);
        Hash payloadHash = Hash.sha256(payload);
        ByteBuffer header = encodeHeader(index, view, timestamp, client, requestNumber, payload.length,
                previousHash, payloadHash);
        return new Entry(index, view, timestamp, client, requestNumber, payload, previousHash, payloadHash,
                hashOfHeader(header), header.array());
    }

    /**
     * Reads an entry written by {@link #encode} at the buffer's position (advancing it), checking the
     * header checksum and the payload hash: for entries that arrive over the network.
     *
     * @throws IllegalArgumentException if the bytes are not an intact entry
     */
    public static Entry decode(ByteBuffer source, int maxPayloadBytes) {
        ByteBuffer buffer = source.slice().order(ByteOrder.LITTLE_ENDIAN);
        HeaderRead read = decodeHeader(buffer, 0);
        if (!(read instanceof HeaderRead.Valid header)) {
            throw new IllegalArgumentException(((HeaderRead.Invalid) read).reason());
        }
        if (header.index() < 0 || header.view() < 0) {
            throw new IllegalArgumentException("entry with index " + header.index() + " in view " + header.view());
        }
        if (header.payloadLength() > maxPayloadBytes || header.payloadLength() > buffer.remaining() - HEADER_BYTES) {
            throw new IllegalArgumentException("entry payload of " + header.payloadLength() + " bytes does not fit");
        }
        byte[] payload = new byte[header.payloadLength()];
        buffer.get(HEADER_BYTES, payload);
        if (!Hash.sha256(payload).equals(header.payloadHash())) {
            throw new IllegalArgumentException("entry " + header.index() + " payload does not match its hash");
        }
        source.position(source.position() + HEADER_BYTES + payload.length);
        return fromVerified(header, payload);
    }

    /** An entry from a verified header and a payload whose hash was checked against it. */
    static Entry fromVerified(HeaderRead.Valid header, byte[] payload) {
        return new Entry(header.index(), header.view(), header.timestamp(), header.client(),
                header.requestNumber(), payload, header.previousHash(), header.payloadHash(), header.hash(),
                header.bytes());
    }

    public long index() {
        return index;
    }

    public long view() {
        return view;
    }

    /** The consensus timestamp, in nanoseconds since the Unix epoch, chosen by the primary. */
    public long timestamp() {
        return timestamp;
    }

    public UUID client() {
        return client;
    }

    public long requestNumber() {
        return requestNumber;
    }

    /** The payload. The array is shared, not copied: treat it as read-only. */
    public byte[] payload() {
        return payload;
    }

    public Hash previousHash() {
        return previousHash;
    }

    public Hash payloadHash() {
        return payloadHash;
    }

    /** This entry's chain hash, which the next entry stores as its previous hash. */
    public Hash hash() {
        return hash;
    }

    public int encodedBytes() {
        return HEADER_BYTES + payload.length;
    }

    /** Writes header and payload at the buffer's position. */
    public void encode(ByteBuffer target) {
        target.put(header);
        target.put(payload);
    }

    static ByteBuffer encodeHeader(long index, long view, long timestamp, UUID client, long requestNumber,
                                   int payloadLength, Hash previousHash, Hash payloadHash) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(4, MAGIC);
        header.putInt(8, payloadLength);
        header.putShort(12, FORMAT_VERSION);
        header.putLong(16, index);
        header.putLong(24, view);
        header.putLong(32, timestamp);
        header.putLong(40, client.getMostSignificantBits());
        header.putLong(48, client.getLeastSignificantBits());
        header.putLong(56, requestNumber);
        previousHash.write(header, 64);
        payloadHash.write(header, 96);
        header.putInt(0, Checksums.crc32c(header, 4, HEADER_BYTES - 4));
        return header;
    }

    /** The chain hash: SHA-256 of header bytes [4, 128), everything but the CRC. */
    static Hash hashOfHeader(ByteBuffer header) {
        return Hash.sha256(header.slice(4, HEADER_BYTES - 4));
    }

    /** The result of decoding an entry header: either the header fields or why it is unusable. */
    sealed interface HeaderRead {
        /** A checked header; {@code bytes} is a copy of its 128 encoded bytes. */
        record Valid(long index, long view, long timestamp, UUID client, long requestNumber, int payloadLength,
                     Hash previousHash, Hash payloadHash, Hash hash, byte[] bytes) implements HeaderRead {}

        record Invalid(String reason) implements HeaderRead {}
    }

    /** Decodes and checks the 128-byte header at {@code offset} of a little-endian buffer. */
    static HeaderRead decodeHeader(ByteBuffer buffer, int offset) {
        if (buffer.limit() - offset < HEADER_BYTES) {
            return new HeaderRead.Invalid("entry header cut off");
        }
        ByteBuffer header = buffer.slice(offset, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(0) != Checksums.crc32c(header, 4, HEADER_BYTES - 4)) {
            return new HeaderRead.Invalid("entry header checksum mismatch");
        }
        if (header.getInt(4) != MAGIC || header.getShort(12) != FORMAT_VERSION) {
            return new HeaderRead.Invalid("not an entry header of format version " + FORMAT_VERSION);
        }
        int payloadLength = header.getInt(8);
        if (payloadLength < 0) {
            return new HeaderRead.Invalid("negative payload length");
        }
        byte[] bytes = new byte[HEADER_BYTES];
        header.get(0, bytes);
        return new HeaderRead.Valid(header.getLong(16), header.getLong(24), header.getLong(32),
                new UUID(header.getLong(40), header.getLong(48)), header.getLong(56), payloadLength,
                Hash.read(header, 64), Hash.read(header, 96), hashOfHeader(header), bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry entry && hash.equals(entry.hash) && Arrays.equals(payload, entry.payload);
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return "Entry[index=" + index + ", view=" + view + ", timestamp=" + timestamp + ", client=" + client
                + ", request=" + requestNumber + ", payload=" + payload.length + " bytes, hash=" + hash.shortHex()
                + ", previous=" + previousHash.shortHex() + "]";
    }
}
