package io.chronon.engine;

/**
 * The medium failed in a way that leaves its state unknown: a write or an fsync returned an error.
 *
 * <p>After a failed fsync the kernel may have dropped dirty pages and marked them clean, so the
 * page cache no longer tells the truth about the disk ("fsyncgate"). Retrying would report success
 * for data that is gone. The only safe response is to crash and recover from the medium, which is
 * why this is an {@link Error}.
 */
public final class DiskFailure extends Error {
    private static final long serialVersionUID = 1L;

    public DiskFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public DiskFailure(String message) {
        super(message);
    }
}
