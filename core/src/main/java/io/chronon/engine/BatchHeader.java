package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * The header of a batch: the unit one barrier writes. A batch starts on a fresh 4 KiB boundary,
 * so bytes an earlier barrier made durable are never rewritten, and is laid out as
 * <pre>
 *   header (128 B) | entries, back to back (bodyLength B) | zero pad to 8 B | trailer (128 B) | zero pad to 4 KiB
 * </pre>
 * The trailer is a copy of the header with another magic. It is written last, so on a torn write
 * (a prefix of the batch reached the disk) it is missing; a batch whose trailer is intact but whose
 * body fails its checksum was written completely and then rotted. That distinction is what lets
 * recovery tell a torn tail (never acknowledged: discard) from bit rot (acknowledged: report and
 * repair), and a damaged header is restored from the trailer.
 *
 * <p>Little-endian layout:
 * <pre>
 *   0  u32  CRC-32C of bytes [4, 128)
 *   4  u32  magic "CHRB" (header) or "CHRT" (trailer)
 *   8  u16  format version (1)      10  u16  kind (1 entries, 2 truncate, 3 repair)
 *  12  u32  entry count
 *  16  u64  batch sequence: +1 per batch for the life of the log
 *  24  u64  segment number          32  u64  byte position of this batch in its segment
 *  40  i64  first index (entries, repair) or the index truncated after (truncate; -1 for all)
 *  48  u32  body length             52  u32  CRC-32C of the body
 *  56  u128 log id: random, never shown outside the data directory
 *  72  [32] hash of the batch's last entry (truncate: of the entry truncated after)
 * 104  u64  view of that entry
 * 112  [16] reserved (0)
 * </pre>
 * The segment number, position and log id make a batch valid only where it was meant to be:
 * a misdirected write, a stale copy, or a payload crafted to look like a header is never taken
 * for a batch.
 */
record BatchHeader(Kind kind, int entryCount, long sequence, long segment, long position, long firstIndex,
                   int bodyLength, int bodyChecksum, UUID logId, Hash lastHash, long lastView) {

    static final int BYTES = 128;
    static final int HEADER_MAGIC = 0x42524843; // "CHRB"
    static final int TRAILER_MAGIC = 0x54524843; // "CHRT"
    static final short FORMAT_VERSION = 1;

    enum Kind {
        ENTRIES(1), TRUNCATE(2), REPAIR(3);

        final short code;

        Kind(int code) {
            this.code = (short) code;
        }

        static Kind of(short code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return null;
        }
    }

    /** The last index this batch holds (entries, repair) or keeps (truncate). */
    long lastIndex() {
        return kind == Kind.TRUNCATE ? firstIndex : firstIndex + entryCount - 1;
    }

    /** Where the trailer starts, relative to the batch position. */
    int trailerOffset() {
        return align(BYTES + bodyLength, 8);
    }

    /** Bytes from the batch start to the end of the trailer. */
    int writtenBytes() {
        return trailerOffset() + BYTES;
    }

    void encode(ByteBuffer target, int offset, boolean trailer) {
        ByteBuffer header = target.slice(offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(4, trailer ? TRAILER_MAGIC : HEADER_MAGIC);
        header.putShort(8, FORMAT_VERSION);
        header.putShort(10, kind.code);
        header.putInt(12, entryCount);
        header.putLong(16, sequence);
        header.putLong(24, segment);
        header.putLong(32, position);
        header.putLong(40, firstIndex);
        header.putInt(48, bodyLength);
        header.putInt(52, bodyChecksum);
        header.putLong(56, logId.getMostSignificantBits());
        header.putLong(64, logId.getLeastSignificantBits());
        lastHash.write(header, 72);
        header.putLong(104, lastView);
        for (int i = 112; i < BYTES; i++) {
            header.put(i, (byte) 0);
        }
        header.putInt(0, Checksums.crc32c(header, 4, BYTES - 4));
    }

    /**
     * Decodes a header (or trailer) at {@code offset}, or returns null if the bytes there are not a
     * valid one for this log: wrong checksum, magic, version or kind, or another log's id. A null
     * {@code logId} accepts any log's id (used only to learn the id of a log whose segment headers
     * are all damaged, from the batch at a segment's first batch position).
     */
    static BatchHeader decode(ByteBuffer buffer, int offset, boolean trailer, UUID logId) {
        if (buffer.limit() - offset < BYTES) {
            return null;
        }
        ByteBuffer header = buffer.slice(offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(4) != (trailer ? TRAILER_MAGIC : HEADER_MAGIC)) {
            return null;
        }
        if (header.getInt(0) != Checksums.crc32c(header, 4, BYTES - 4)) {
            return null;
        }
        Kind kind = Kind.of(header.getShort(10));
        if (header.getShort(8) != FORMAT_VERSION || kind == null) {
            return null;
        }
        UUID id = new UUID(header.getLong(56), header.getLong(64));
        if (logId != null && !id.equals(logId)) {
            return null;
        }
        int entryCount = header.getInt(12);
        int bodyLength = header.getInt(48);
        if (entryCount < 0 || bodyLength < 0) {
            return null;
        }
        return new BatchHeader(kind, entryCount, header.getLong(16), header.getLong(24), header.getLong(32),
                header.getLong(40), bodyLength, header.getInt(52), id, Hash.read(header, 72), header.getLong(104));
    }

    static int align(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
