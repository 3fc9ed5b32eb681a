package io.chronon.engine;

import java.util.List;

/**
 * A directory of files on some storage medium: the only way the core touches storage.
 *
 * <p>The durability contract is explicit. A {@link DiskFile#write write} is speculative: it is
 * visible to reads at once, but a crash may lose it, keep it, or keep only part of it, until
 * {@link DiskFile#barrier()} on that file returns. Creating, renaming and deleting files is
 * likewise speculative until {@link #syncDirectory()} returns. Nothing else makes anything durable.
 *
 * <p>An I/O failure that leaves the medium's state unknown (a failed write or fsync) throws
 * {@link DiskFailure}, an {@link Error}: the page cache can no longer be trusted, so the process
 * must crash and recover from what is on the medium. It is never retried.
 *
 * <p>Implementations: {@link FileDisk} (real files, optional O_DIRECT), {@link MemoryDisk} (a
 * medium in RAM) and {@link FaultyDisk} (a volatile cache over a {@code MemoryDisk} that injects
 * crashes, torn, lost and misdirected writes, bit flips, fsync failures and stalls).
 */
public interface Disk {

    /** Creates a new, empty file. Fails if a file of that name exists. */
    DiskFile create(String name);

    /** Opens an existing file for reading and writing. */
    DiskFile open(String name);

    boolean exists(String name);

    /** The names of all files, sorted. */
    List<String> list();

    /** Atomically replaces {@code target} (if present) with {@code source}. */
    void rename(String source, String target);

    void delete(String name);

    /** Makes every create, rename and delete so far durable. */
    void syncDirectory();

    /**
     * The write alignment, in bytes, that lets this disk bypass the page cache (O_DIRECT), or 1
     * when it does not. Writers that align positions and lengths to it get the fast path.
     */
    default int directIoAlignment() {
        return 1;
    }
}
