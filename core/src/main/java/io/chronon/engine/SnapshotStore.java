package io.chronon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Snapshot files: {@code snapshot-<index>.snap}, each a checksummed header and a body whose SHA-256
 * the header holds. A snapshot is written under a temporary name, made durable, then renamed into
 * place and the directory synced, so a snapshot file that exists is complete. Damaged snapshots are
 * reported, never used.
 *
 * <p>Header, little-endian (128 bytes, followed by the body):
 * <pre>
 *   0  u32  CRC-32C of bytes [4, 128)
 *   4  u32  magic "CHRP"
 *   8  u16  format version (1)   10  u16 reserved
 *  12  u32  application schema version
 *  16  u128 cluster id
 *  32  u64  index (last entry included)     40  u64  view of that entry
 *  48  u64  body length
 *  56  [32] chain hash: hash of entry index, which entry index + 1 links to
 *  88  [32] SHA-256 of the body
 * 120  u64  reserved (0)
 * </pre>
 */
public final class SnapshotStore {
    static final String PREFIX = "snapshot-";
    static final String SUFFIX = ".snap";
    static final String TEMPORARY_SUFFIX = ".snap.tmp";
    private static final int HEADER_BYTES = 128;
    private static final int MAGIC = 0x50524843; // "CHRP"
    private static final short FORMAT_VERSION = 1;

    private final Disk disk;

    /** Opens the store, removing temporary files that crashed writes left behind. */
    public SnapshotStore(Disk disk) {
        this.disk = disk;
        boolean removed = false;
        for (String name : disk.list()) {
            if (name.startsWith(PREFIX) && name.endsWith(TEMPORARY_SUFFIX)) {
                disk.delete(name);
                removed = true;
            }
        }
        if (removed) {
            disk.syncDirectory();
        }
    }

    static String fileName(long index) {
        return String.format("%s%020d%s", PREFIX, index, SUFFIX);
    }

    /** The indices of the snapshot files present, ascending. */
    public List<Long> indices() {
        List<Long> indices = new ArrayList<>();
        for (String name : disk.list()) {
            if (name.startsWith(PREFIX) && name.endsWith(SUFFIX) && name.length() == PREFIX.length() + 20 + SUFFIX.length()) {
                indices.add(Long.parseLong(name.substring(PREFIX.length(), PREFIX.length() + 20)));
            }
        }
        indices.sort(null);
        return indices;
    }

    /** Starts writing a snapshot; the body is streamed through the writer. */
    public Writer begin(SnapshotMeta meta) {
        String temporary = PREFIX + String.format("%020d", meta.index()) + TEMPORARY_SUFFIX;
        if (disk.exists(temporary)) {
            disk.delete(temporary);
        }
        return new Writer(meta, disk.create(temporary));
    }

    /** Writes a whole snapshot at once. Durable on return. */
    public void write(SnapshotMeta meta, byte[] body) {
        try (Writer writer = begin(meta)) {
            writer.write(ByteBuffer.wrap(body));
            writer.commit();
        }
    }

    /**
     * Reads and verifies a snapshot.
     *
     * @throws StorageCorruptionException naming the file and what failed
     */
    public Snapshot read(long index) {
        String name = fileName(index);
        try (DiskFile file = disk.open(name)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (!file.readFully(0, header)) {
                throw new StorageCorruptionException(name + " is shorter than its header");
            }
            header.flip();
            if (header.getInt(4) != MAGIC || header.getShort(8) != FORMAT_VERSION) {
                throw new StorageCorruptionException(name + " has an unknown magic or format version");
            }
            if (header.getInt(0) != Checksums.crc32c(header, 4, HEADER_BYTES - 4)) {
                throw new StorageCorruptionException(name + " fails its header checksum");
            }
            SnapshotMeta meta = new SnapshotMeta(new UUID(header.getLong(16), header.getLong(24)),
                    header.getInt(12), header.getLong(32), header.getLong(40), Hash.read(header, 56));
            long length = header.getLong(48);
            if (meta.index() != index) {
                throw new StorageCorruptionException(name + " holds the snapshot of index " + meta.index());
            }
            if (length < 0 || length > Integer.MAX_VALUE - 8 || file.size() != HEADER_BYTES + length) {
                throw new StorageCorruptionException(name + " has " + file.size() + " bytes but its header says "
                        + (HEADER_BYTES + length));
            }
            byte[] body = new byte[(int) length];
            if (!file.readFully(HEADER_BYTES, ByteBuffer.wrap(body))) {
                throw new StorageCorruptionException(name + " ends inside its body");
            }
            Hash bodyHash = Hash.sha256(body);
            if (!bodyHash.equals(Hash.read(header, 88))) {
                throw new StorageCorruptionException(name + " fails its body hash");
            }
            return new Snapshot(meta, bodyHash, body);
        }
    }

    /**
     * The newest snapshot that verifies. Each newer one that does not is passed to
     * {@code onCorrupt} and skipped.
     */
    public Optional<Snapshot> latest(Consumer<StorageCorruptionException> onCorrupt) {
        List<Long> indices = indices();
        for (int i = indices.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(read(indices.get(i)));
            } catch (StorageCorruptionException e) {
                onCorrupt.accept(e);
            }
        }
        return Optional.empty();
    }

    /** Deletes every snapshot older than {@code index}. */
    public void deleteBefore(long index) {
        boolean deleted = false;
        for (long older : indices()) {
            if (older < index) {
                disk.delete(fileName(older));
                deleted = true;
            }
        }
        if (deleted) {
            disk.syncDirectory();
        }
    }

    /** Streams one snapshot's body into a temporary file; {@link #commit()} makes it a snapshot. */
    public final class Writer implements AutoCloseable {
        private final SnapshotMeta meta;
        private final DiskFile file;
        private final MessageDigest digest = Hash.newDigest();
        private long length;
        private boolean committed;

        private Writer(SnapshotMeta meta, DiskFile file) {
            this.meta = meta;
            this.file = file;
        }

        public void write(ByteBuffer data) {
            Invariants.check(!committed, "snapshot %s is already committed", meta.index());
            long position = HEADER_BYTES + length;
            length += data.remaining();
            digest.update(data.duplicate());
            file.write(position, data);
        }

        /** Writes the header, makes the file durable and renames it into place. */
        public void commit() {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(4, MAGIC);
            header.putShort(8, FORMAT_VERSION);
            header.putInt(12, meta.schemaVersion());
            header.putLong(16, meta.clusterId().getMostSignificantBits());
            header.putLong(24, meta.clusterId().getLeastSignificantBits());
            header.putLong(32, meta.index());
            header.putLong(40, meta.view());
            header.putLong(48, length);
            meta.chainHash().write(header, 56);
            Hash.finish(digest).write(header, 88);
            header.putInt(0, Checksums.crc32c(header, 4, HEADER_BYTES - 4));
            file.write(0, header);
            file.barrier();
            file.close();
            disk.rename(file.name(), fileName(meta.index()));
            disk.syncDirectory();
            committed = true;
        }

        /** Abandons an uncommitted snapshot, removing its temporary file. */
        @Override
        public void close() {
            if (!committed) {
                file.close();
                disk.delete(file.name());
            }
        }
    }
}
