package io.chronon.quarkus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.LogReader;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;

/**
 * A history bundle: a slice of the history that another machine can load and replay offline, bit
 * for bit. It holds the application's identity, the kernel state just before the slice (a snapshot
 * body, or nothing when the slice starts at the beginning), the slice's entries exactly as the log
 * holds them (hash-chained), and the applied-state digest the exporting replica reached after each
 * entry. A replay restores the state, checks every entry's checksum, payload hash and link to the one
 * before, applies it with the code running where it is replayed, and compares each digest: the first
 * entry that differs is named. A SHA-256 over the whole file closes it, so a damaged or truncated
 * bundle is refused before anything runs.
 *
 * <p>Layout (big-endian): magic {@code CHRNBNDL}, format version, cluster id, application name, class
 * and version ({@code quarkus.application.version}, empty if unknown), snapshot schema version, first
 * and last index, the base (a flag and a snapshot body), the entry
 * count, each entry as length and bytes followed by its digest, then the SHA-256 of everything
 * before it.
 */
public final class HistoryBundle {
    static final byte[] MAGIC = "CHRNBNDL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    private static final int PROGRESS_EVERY = 100_000;

    /**
     * What a replay of a bundle found, and what wrote it: the application's name, class and version
     * (null if the exporting node did not know it) and the snapshot schema of its code.
     */
    public record Replay(UUID cluster, String application, String applicationClass, String applicationVersion,
                         int snapshotSchema, long from, long to, long replayed, Long firstDivergence, String problem) {}

    private HistoryBundle() {}

    /**
     * Writes entries {@code from} to {@code to} (verified as they are read) and the state before them.
     *
     * @param base the checkpoint at {@code from - 1}, or null when {@code from} is the first entry ever
     */
    static void write(OutputStream target, UUID cluster, String applicationName, String applicationVersion,
                      ChrApplication<?, ?, ?, ?> application, int sessionCapacity, Executor.Checkpoint base, LogReader entries, long from, long to,
                      Consumer<String> progress) throws IOException {
        MessageDigest sha = Hash.newDigest();
        DataOutputStream out = new DataOutputStream(new DigestOutputStream(target, sha));
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(cluster.getMostSignificantBits());
        out.writeLong(cluster.getLeastSignificantBits());
        out.writeUTF(applicationName);
        out.writeUTF(application.getClass().getName());
        out.writeUTF(applicationVersion == null ? "" : applicationVersion);
        out.writeInt(application.snapshotSchemaVersion());
        out.writeLong(from);
        out.writeLong(to);
        Executor<?, ?, ?, ?> executor = new Executor<>(application, sessionCapacity, cluster);
        if (base == null) {
            out.writeBoolean(false);
        } else {
            ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
            KernelSnapshot.write(base, application, snapshot);
            out.writeBoolean(true);
            out.writeInt(snapshot.size());
            snapshot.writeTo(out);
            executor = executor.restoredFrom(base);
        }
        out.writeLong(to - from + 1);
        long written = 0;
        while (entries.hasNext()) {
            Entry entry = entries.next();
            ByteBuffer bytes = ByteBuffer.allocate(entry.encodedBytes());
            entry.encode(bytes);
            out.writeInt(bytes.capacity());
            out.write(bytes.array());
            out.write(executor.apply(entry).digest().toByteArray());
            if (++written % PROGRESS_EVERY == 0) {
                progress.accept("exported " + written + " of " + (to - from + 1) + " entries");
            }
        }
        if (written != to - from + 1) {
            throw new IllegalStateException("exported " + written + " entries of " + from + "–" + to);
        }
        out.flush();
        target.write(sha.digest());
        target.flush();
    }

    /** Replays a bundle with {@code application}, the code running here; never touches a live replica. */
    static Replay replay(byte[] bundle, ChrApplication<?, ?, ?, ?> application, int sessionCapacity,
                         Consumer<String> progress) throws IOException {
        if (bundle.length < MAGIC.length + Hash.BYTES) {
            throw new IllegalArgumentException("this is not a history bundle: " + bundle.length + " bytes");
        }
        MessageDigest sha = Hash.newDigest();
        sha.update(bundle, 0, bundle.length - Hash.BYTES);
        if (!Arrays.equals(sha.digest(), Arrays.copyOfRange(bundle, bundle.length - Hash.BYTES, bundle.length))) {
            throw new IllegalArgumentException("the bundle is damaged or truncated: its SHA-256 does not match");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bundle, 0, bundle.length - Hash.BYTES));
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("this is not a history bundle");
            }
            int format = in.readInt();
            if (format != VERSION) {
                throw new IllegalArgumentException("a history bundle of format " + format + "; this node reads format "
                        + VERSION + ": export it again with this version");
            }
            UUID cluster = new UUID(in.readLong(), in.readLong());
            String name = in.readUTF();
            String type = in.readUTF();
            String written = in.readUTF();
            String version = written.isEmpty() ? null : written;
            int schema = in.readInt();
            long from = in.readLong();
            long to = in.readLong();
            Executor<?, ?, ?, ?> executor = new Executor<>(application, sessionCapacity, cluster);
            Hash previous = null;
            if (in.readBoolean()) {
                byte[] snapshot = in.readNBytes(in.readInt());
                Executor.Checkpoint base = KernelSnapshot.read(new ByteArrayInputStream(snapshot), application);
                if (base.index() != from - 1) {
                    throw new IllegalArgumentException("the bundle's base state is at index " + base.index()
                            + ", not just before its first entry " + from);
                }
                executor = executor.restoredFrom(base);
                previous = base.entryHash();
            } else if (from != 0) {
                throw new IllegalArgumentException("the bundle starts at entry " + from + " without a base state");
            }
            long count = in.readLong();
            if (count != to - from + 1) {
                throw new IllegalArgumentException("the bundle holds " + count + " entries for " + from + "–" + to);
            }
            long replayed = 0;
            for (long index = from; index <= to; index++) {
                byte[] bytes = in.readNBytes(in.readInt());
                Entry entry = Entry.decode(ByteBuffer.wrap(bytes), bytes.length);
                byte[] recorded = in.readNBytes(Hash.BYTES);
                if (entry.index() != index || (previous != null && !entry.previousHash().equals(previous))) {
                    return new Replay(cluster, name, type, version, schema, from, to, replayed, null, "entry " + index
                            + " does not continue the hash chain");
                }
                previous = entry.hash();
                Hash digest = executor.apply(entry).digest();
                replayed++;
                if (!Arrays.equals(digest.toByteArray(), recorded)) {
                    return new Replay(cluster, name, type, version, schema, from, to, replayed, index, null);
                }
                if (replayed % PROGRESS_EVERY == 0) {
                    progress.accept("replayed " + replayed + " of " + count + " entries of the bundle");
                }
            }
            return new Replay(cluster, name, type, version, schema, from, to, replayed, null, null);
        } catch (EOFException e) {
            throw new IllegalArgumentException("the bundle ends early", e);
        }
    }
}
