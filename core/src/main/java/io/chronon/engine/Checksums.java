package io.chronon.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli), the checksum of every header and batch body. {@link CRC32C} uses the
 * CPU's CRC instructions, so checksumming costs far less than the fsync it protects.
 */
public final class Checksums {
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    private Checksums() {}

    /** CRC-32C of {@code length} bytes at absolute {@code offset}, not moving the position. */
    public static int crc32c(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = CRC.get();
        crc.reset();
        crc.update(buffer.slice(offset, length));
        return (int) crc.getValue();
    }

    public static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = CRC.get();
        crc.reset();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }
}
