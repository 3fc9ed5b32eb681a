package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable {@link ManifestState} of a replica, in one small checksummed file replaced atomically:
 * write a temporary file, fsync it, rename it over the manifest, fsync the directory. A crash at any
 * point leaves either the old or the new manifest, never a mix. Views and the commit index only move
 * forward; the cluster id never changes.
 *
 * <p>Little-endian layout (128 bytes):
 * <pre>
 *   0  u32  CRC-32C of bytes [4, 128)
 *   4  u32  magic "CHRM"
 *   8  u16  format version (1)   10  u16 reserved   12  u32 flags (bit 0: recovering)
 *  16  u128 cluster id
 *  32  u64  update sequence
 *  40  u64  view                 48  u64  last normal view
 *  56  i64  commit index (-1: nothing committed yet)
 *  64  [64] reserved (0)
 * </pre>
 */
public final class Manifest {
    public static final String FILE = "manifest";
    static final String TEMPORARY = "manifest.tmp";
    private static final int BYTES = 128;
    private static final int MAGIC = 0x4D524843; // "CHRM"
    private static final short FORMAT_VERSION = 1;

    private final Disk disk;
    private ManifestState state;
    private long sequence;

    private Manifest(Disk disk, ManifestState state, long sequence) {
        this.disk = disk;
        this.state = state;
        this.sequence = sequence;
    }

    /** Writes the first manifest of a replica. Fails if one exists. */
    public static Manifest create(Disk disk, ManifestState initial) {
        if (disk.exists(FILE)) {
            throw new IllegalStateException("a manifest already exists");
        }
        Manifest manifest = new Manifest(disk, initial, 0);
        manifest.persist(initial, 1);
        return manifest;
    }

    /**
     * Reads the manifest, or returns empty if there is none. A leftover temporary file (an update a
     * crash interrupted before its rename) is removed.
     *
     * @throws StorageCorruptionException if the manifest exists but is damaged
     */
    public static Optional<Manifest> open(Disk disk) {
        if (disk.exists(TEMPORARY)) {
            disk.delete(TEMPORARY);
            disk.syncDirectory();
        }
        if (!disk.exists(FILE)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (DiskFile file = disk.open(FILE)) {
            if (file.size() != BYTES || !file.readFully(0, buffer)) {
                throw new StorageCorruptionException("manifest has " + file.size() + " bytes, not " + BYTES);
            }
        }
        buffer.flip();
        if (buffer.getInt(0) != Checksums.crc32c(buffer, 4, BYTES - 4)) {
            throw new StorageCorruptionException("manifest fails its checksum");
        }
        if (buffer.getInt(4) != MAGIC || buffer.getShort(8) != FORMAT_VERSION) {
            throw new StorageCorruptionException("manifest has an unknown magic or format version");
        }
        UUID clusterId = new UUID(buffer.getLong(16), buffer.getLong(24));
        int flags = buffer.getInt(12);
        if ((flags & ~1) != 0) {
            throw new StorageCorruptionException("manifest has unknown flags " + Integer.toHexString(flags));
        }
        ManifestState state = new ManifestState(clusterId, buffer.getLong(40), buffer.getLong(48), buffer.getLong(56),
                (flags & 1) != 0);
        return Optional.of(new Manifest(disk, state, buffer.getLong(32)));
    }

    public ManifestState state() {
        return state;
    }

    /** Durably replaces the state. Views and the commit index must not go backwards. */
    public void update(ManifestState next) {
        Invariants.check(next.clusterId().equals(state.clusterId()), "the cluster id never changes: %s -> %s",
                state.clusterId(), next.clusterId());
        Invariants.check(next.view() >= state.view(), "view went backwards: %s -> %s", state.view(), next.view());
        Invariants.check(next.lastNormalView() >= state.lastNormalView(), "last normal view went backwards: %s -> %s",
                state.lastNormalView(), next.lastNormalView());
        Invariants.check(next.commitIndex() >= state.commitIndex(), "commit index went backwards: %s -> %s",
                state.commitIndex(), next.commitIndex());
        if (next.equals(state)) {
            return;
        }
        persist(next, sequence + 1);
    }

    private void persist(ManifestState next, long nextSequence) {
        ByteBuffer buffer = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(4, MAGIC);
        buffer.putShort(8, FORMAT_VERSION);
        buffer.putInt(12, next.recovering() ? 1 : 0);
        buffer.putLong(16, next.clusterId().getMostSignificantBits());
        buffer.putLong(24, next.clusterId().getLeastSignificantBits());
        buffer.putLong(32, nextSequence);
        buffer.putLong(40, next.view());
        buffer.putLong(48, next.lastNormalView());
        buffer.putLong(56, next.commitIndex());
        buffer.putInt(0, Checksums.crc32c(buffer, 4, BYTES - 4));
        if (disk.exists(TEMPORARY)) {
            disk.delete(TEMPORARY);
        }
        try (DiskFile file = disk.create(TEMPORARY)) {
            file.write(0, buffer);
            file.barrier();
        }
        disk.rename(TEMPORARY, FILE);
        disk.syncDirectory();
        state = next;
        sequence = nextSequence;
    }
}
