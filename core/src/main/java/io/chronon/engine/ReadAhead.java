package io.chronon.engine;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A window of one file, refilled in large reads, for sequential readers. Single-threaded. */
final class ReadAhead {
    private static final int WINDOW = 1 << 20;

    private DiskFile file;
    private long start;
    private ByteBuffer window = ByteBuffer.allocate(0);

    /**
     * A little-endian view of {@code length} bytes of {@code file} at {@code position}, or null if
     * the file ends (or cannot be read) before them.
     */
    ByteBuffer slice(DiskFile file, long position, int length) {
        boolean inside = this.file == file && position >= start
                && position + length <= start + window.limit();
        if (!inside) {
            ByteBuffer fresh = ByteBuffer.allocate(Math.max(WINDOW, length)).order(ByteOrder.LITTLE_ENDIAN);
            try {
                file.readFully(position, fresh);
            } catch (UncheckedIOException e) {
                return null;
            }
            this.file = file;
            this.start = position;
            this.window = fresh.flip();
            if (length > window.limit()) {
                return null;
            }
        }
        return window.slice((int) (position - start), length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
