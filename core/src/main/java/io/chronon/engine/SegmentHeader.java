package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * The first 4 KiB block of a log segment file. It names the log the segment belongs to and where
 * the log stood when the segment was created, so that a log whose older segments were compacted
 * away still knows its first index and the hash its first entry links to.
 *
 * <p>Little-endian layout:
 * <pre>
 *   0  u32  CRC-32C of bytes [4, 128)
 *   4  u32  magic "CHRG"
 *   8  u16  format version (1)   10  u16  reserved   12  u32 reserved
 *  16  u128 log id
 *  32  u64  segment number
 *  40  u64  sequence of the first batch written in this segment
 *  48  u64  base index: the log's next index when the segment was created
 *  56  u64  segment size in bytes
 *  64  [32] base hash: the hash the entry at the base index links to
 *  96  [32] reserved (0)
 * </pre>
 */
record SegmentHeader(UUID logId, long segment, long firstSequence, long baseIndex, long segmentBytes,
                     Hash baseHash) {

    static final int BYTES = 128;
    static final int MAGIC = 0x47524843; // "CHRG"
    static final short FORMAT_VERSION = 1;

    ByteBuffer encode(int blockBytes) {
        ByteBuffer block = ByteBuffer.allocate(blockBytes).order(ByteOrder.LITTLE_ENDIAN);
        block.putInt(4, MAGIC);
        block.putShort(8, FORMAT_VERSION);
        block.putLong(16, logId.getMostSignificantBits());
        block.putLong(24, logId.getLeastSignificantBits());
        block.putLong(32, segment);
        block.putLong(40, firstSequence);
        block.putLong(48, baseIndex);
        block.putLong(56, segmentBytes);
        baseHash.write(block, 64);
        block.putInt(0, Checksums.crc32c(block, 4, BYTES - 4));
        return block;
    }

    /** Decodes the header, or returns null if it is damaged or not a segment header. */
    static SegmentHeader decode(ByteBuffer buffer) {
        if (buffer.limit() < BYTES) {
            return null;
        }
        ByteBuffer header = buffer.slice(0, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(4) != MAGIC || header.getShort(8) != FORMAT_VERSION) {
            return null;
        }
        if (header.getInt(0) != Checksums.crc32c(header, 4, BYTES - 4)) {
            return null;
        }
        return new SegmentHeader(new UUID(header.getLong(16), header.getLong(24)), header.getLong(32),
                header.getLong(40), header.getLong(48), header.getLong(56), Hash.read(header, 64));
    }
}
