package io.chronon.engine;

import java.io.OutputStream;
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
 * 120  u64  consensus timestamp of entry index
 * </pre>
 *
 * <p>A snapshot can also be read in chunks ({@link #info}, {@link #readChunk}) to send it to a
 * replica that lags behind the log's compaction, which writes it with {@link #begin} and
 * {@link Writer#commit(Hash)}: the body is verified against the hash its source announced.
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
            SnapshotInfo info = readHeader(name, index, file);
            byte[] body = new byte[(int) info.bodyBytes()];
            if (!file.readFully(HEADER_BYTES, ByteBuffer.wrap(body))) {
                throw new StorageCorruptionException(name + " ends inside its body");
            }
            Hash bodyHash = Hash.sha256(body);
            if (!bodyHash.equals(info.bodyHash())) {
                throw new StorageCorruptionException(name + " fails its body hash");
            }
            return new Snapshot(info.meta(), bodyHash, body);
        }
    }

    /**
     * What a snapshot holds, from its verified header (the body is verified only when read whole).
     *
     * @throws StorageCorruptionException if the header does not verify
     */
    public SnapshotInfo info(long index) {
        String name = fileName(index);
        try (DiskFile file = disk.open(name)) {
            return readHeader(name, index, file);
        }
    }

    /**
     * Up to {@code maxBytes} of a snapshot's body from {@code offset}, or null if there is no such
     * snapshot any more. The receiver verifies the whole body against {@link SnapshotInfo#bodyHash()}.
     */
    public byte[] readChunk(long index, long offset, int maxBytes) {
        String name = fileName(index);
        if (!disk.exists(name)) {
            return null;
        }
        try (DiskFile file = disk.open(name)) {
            SnapshotInfo info = readHeader(name, index, file);
            Invariants.check(offset >= 0 && offset <= info.bodyBytes(), "offset %s outside the body of %s", offset, name);
            byte[] chunk = new byte[(int) Math.min(maxBytes, info.bodyBytes() - offset)];
            if (!file.readFully(HEADER_BYTES + offset, ByteBuffer.wrap(chunk))) {
                throw new StorageCorruptionException(name + " ends inside its body");
            }
            return chunk;
        }
    }

    private static SnapshotInfo readHeader(String name, long index, DiskFile file) {
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
                header.getInt(12), header.getLong(32), header.getLong(40), Hash.read(header, 56), header.getLong(120));
        long length = header.getLong(48);
        if (meta.index() != index) {
            throw new StorageCorruptionException(name + " holds the snapshot of index " + meta.index());
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8 || file.size() != HEADER_BYTES + length) {
            throw new StorageCorruptionException(name + " has " + file.size() + " bytes but its header says "
                    + (HEADER_BYTES + length));
        }
        return new SnapshotInfo(meta, length, Hash.read(header, 88));
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

    /** Deletes the snapshot of {@code index}, if there is one. */
    public void delete(long index) {
        if (disk.exists(fileName(index))) {
            disk.delete(fileName(index));
            disk.syncDirectory();
        }
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

    /**
     * Bytes of a snapshot written between two barriers of its temporary file. Without them a large
     * snapshot leaves its whole body dirty in the page cache until the commit, and that one flush
     * holds the device (and, on ext4, the journal) long enough to stall the log's own fsyncs.
     */
    static final long SYNC_EVERY_BYTES = 8L << 20;

    /** Streams one snapshot's body into a temporary file; {@link #commit()} makes it a snapshot. */
    public final class Writer implements AutoCloseable {
        private final SnapshotMeta meta;
        private final DiskFile file;
        private final MessageDigest digest = Hash.newDigest();
        private long length;
        private long synced;
        private boolean committed;
        private boolean abandoned;

        private Writer(SnapshotMeta meta, DiskFile file) {
            this.meta = meta;
            this.file = file;
        }

        /** The body bytes written so far. */
        public long length() {
            return length;
        }

        public SnapshotMeta meta() {
            return meta;
        }

        public void write(ByteBuffer data) {
            Invariants.check(!committed && !abandoned, "snapshot %s is already committed or abandoned", meta.index());
            long position = HEADER_BYTES + length;
            length += data.remaining();
            digest.update(data.duplicate());
            file.write(position, data);
            if (length - synced >= SYNC_EVERY_BYTES) {
                file.barrier();
                synced = length;
            }
        }

        /** The body as a stream: what is written to it is {@link #write written} here, unbuffered. */
        public OutputStream asStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    Writer.this.write(ByteBuffer.wrap(new byte[] {(byte) b}));
                }

                @Override
                public void write(byte[] bytes, int offset, int count) {
                    Writer.this.write(ByteBuffer.wrap(bytes, offset, count));
                }
            };
        }

        /** Writes the header, makes the file durable and renames it into place; returns the body's hash. */
        public Hash commit() {
            return commit(null);
        }

        /**
         * Like {@link #commit()}, but only if the body's hash is {@code expectedBodyHash}: a snapshot
         * received from a peer is verified before it becomes one.
         *
         * @throws StorageCorruptionException if the body differs (the temporary file is removed)
         */
        public Hash commit(Hash expectedBodyHash) {
            Hash bodyHash = Hash.finish(digest);
            if (expectedBodyHash != null && !expectedBodyHash.equals(bodyHash)) {
                close();
                throw new StorageCorruptionException("snapshot " + meta.index() + " received with body hash "
                        + bodyHash.shortHex() + ", announced " + expectedBodyHash.shortHex());
            }
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
            bodyHash.write(header, 88);
            header.putLong(120, meta.timestamp());
            header.putInt(0, Checksums.crc32c(header, 4, HEADER_BYTES - 4));
            file.write(0, header);
            file.barrier();
            file.close();
            disk.rename(file.name(), fileName(meta.index()));
            disk.syncDirectory();
            committed = true;
            return bodyHash;
        }

        /** Abandons an uncommitted snapshot, removing its temporary file. */
        @Override
        public void close() {
            if (!committed && !abandoned) {
                abandoned = true;
                file.close();
                disk.delete(file.name());
            }
        }
    }
}
