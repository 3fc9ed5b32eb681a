package io.chronon.engine;

import java.nio.ByteBuffer;

/**
 * One file of a {@link Disk}. Positional reads may come from any thread; writes and barriers come
 * from the file's single writer.
 */
public interface DiskFile extends AutoCloseable {

    String name();

    /** The current (speculative) size in bytes. */
    long size();

    /**
     * Writes all remaining bytes of {@code source} at {@code position}, growing the file if needed.
     * Speculative until {@link #barrier()}. Consumes the buffer.
     */
    void write(long position, ByteBuffer source);

    /**
     * Reads up to {@code target.remaining()} bytes at {@code position}, fewer only at the end of the
     * file. Returns the number of bytes read. A read error of the medium (a latent sector error)
     * surfaces as {@link java.io.UncheckedIOException}, which callers treat as damaged data.
     */
    int read(long position, ByteBuffer target);

    /** Makes every write to this file so far durable: the only durability point (fdatasync). */
    void barrier();

    @Override
    void close();

    /** Reads exactly {@code target.remaining()} bytes or returns false if the file ends first. */
    default boolean readFully(long position, ByteBuffer target) {
        while (target.hasRemaining()) {
            int read = read(position, target);
            if (read <= 0) {
                return false;
            }
            position += read;
        }
        return true;
    }
}
