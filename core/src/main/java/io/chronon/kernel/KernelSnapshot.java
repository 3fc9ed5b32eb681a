package io.chronon.kernel;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chronon.engine.Hash;
import io.chronon.engine.StorageCorruptionException;

/**
 * The body of a snapshot: the kernel's state (applied index, digest, client sessions, outbox) and,
 * after it, the application's, as its {@link ChrApplication#writeSnapshot} writes it.
 *
 * <p>The encoding is canonical: sessions in client order, effects in log order, fixed-width
 * big-endian numbers. So replicas that hold the same state write the same bytes, and the body's
 * SHA-256 is the full-state hash the replicas compare at snapshot points, provided the application
 * writes its own state canonically too (sorted keys; see the application guide).
 *
 * <pre>
 *   "CHRK" u16 format version
 *   applied index, applied bytes, digest[32], entry view, entry hash[32], entry timestamp
 *   session capacity, session count, per session: client (u128), request number, index, outcome
 *   effect count, per effect: id (u128), index, ordinal, sink, payload, status, attempts, last error
 *   application schema version, application state (to the end)
 * </pre>
 */
public final class KernelSnapshot {
    private static final int MAGIC = 0x4348524B; // "CHRK"
    private static final short FORMAT_VERSION = 1;

    private KernelSnapshot() {
    }

    /** Writes the snapshot body of {@code checkpoint} to {@code out}. */
    public static <S> void write(Executor.Checkpoint checkpoint, ChrApplication<S, ?, ?, ?> application,
                                 OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
        data.writeInt(MAGIC);
        data.writeShort(FORMAT_VERSION);
        data.writeLong(checkpoint.index());
        data.writeLong(checkpoint.appliedBytes());
        data.write(checkpoint.digest().toByteArray());
        data.writeLong(checkpoint.entryView());
        data.write(checkpoint.entryHash().toByteArray());
        data.writeLong(checkpoint.entryTimestamp());

        SessionTable sessions = checkpoint.sessions();
        data.writeInt(sessions.capacity());
        data.writeInt(sessions.size());
        for (Map.Entry<UUID, SessionTable.Session> entry : sessions.sessions()) {
            writeUuid(data, entry.getKey());
            data.writeLong(entry.getValue().requestNumber());
            data.writeLong(entry.getValue().index());
            writeBytes(data, entry.getValue().outcome().encode());
        }

        List<Outbox.Pending> effects = checkpoint.outbox().all();
        data.writeInt(effects.size());
        for (Outbox.Pending effect : effects) {
            data.write(effect.id().toBytes());
            data.writeLong(effect.index());
            data.writeInt(effect.ordinal());
            data.writeUTF(effect.sink());
            writeBytes(data, effect.payload());
            data.writeByte(effect.status().ordinal());
            data.writeInt(effect.attempts());
            data.writeBoolean(effect.lastError() != null);
            if (effect.lastError() != null) {
                data.writeUTF(effect.lastError());
            }
        }

        data.writeInt(application.snapshotSchemaVersion());
        @SuppressWarnings("unchecked")
        S state = (S) checkpoint.state();
        application.writeSnapshot(state, data);
        data.flush();
    }

    /**
     * Reads a snapshot body back into a checkpoint.
     *
     * @throws StorageCorruptionException if the body is not a snapshot this version can read, or the
     *                                    application's part has bytes its reader left over
     */
    public static <S> Executor.Checkpoint read(InputStream in, ChrApplication<S, ?, ?, ?> application) {
        try {
            DataInputStream data = new DataInputStream(in);
            if (data.readInt() != MAGIC) {
                throw new StorageCorruptionException("not a kernel snapshot");
            }
            short version = data.readShort();
            if (version != FORMAT_VERSION) {
                throw new StorageCorruptionException("kernel snapshot format " + version + " is not known here");
            }
            long index = data.readLong();
            long appliedBytes = data.readLong();
            Hash digest = readHash(data);
            long entryView = data.readLong();
            Hash entryHash = readHash(data);
            long entryTimestamp = data.readLong();

            int capacity = data.readInt();
            int sessionCount = data.readInt();
            List<Map.Entry<UUID, SessionTable.Session>> sessions = new ArrayList<>(sessionCount);
            for (int i = 0; i < sessionCount; i++) {
                UUID client = readUuid(data);
                long requestNumber = data.readLong();
                long sessionIndex = data.readLong();
                Outcome outcome = Outcome.decode(readBytes(data));
                sessions.add(Map.entry(client, new SessionTable.Session(requestNumber, sessionIndex, outcome)));
            }

            Outbox outbox = Outbox.EMPTY;
            int effectCount = data.readInt();
            for (int i = 0; i < effectCount; i++) {
                byte[] id = new byte[16];
                data.readFully(id);
                long effectIndex = data.readLong();
                int ordinal = data.readInt();
                String sink = data.readUTF();
                byte[] payload = readBytes(data);
                Outbox.Status status = Outbox.Status.values()[data.readByte()];
                int attempts = data.readInt();
                String lastError = data.readBoolean() ? data.readUTF() : null;
                outbox = outbox.add(new Outbox.Pending(new EffectId(ByteBuffer.wrap(id).getLong(), ByteBuffer.wrap(id).getLong(8)), effectIndex, ordinal, sink, payload,
                        status, attempts, lastError));
            }

            int schemaVersion = data.readInt();
            S state = application.readSnapshot(data, schemaVersion);
            if (state == null) {
                throw new StorageCorruptionException("the application read no state from the snapshot");
            }
            if (data.read() != -1) {
                throw new StorageCorruptionException("the application's snapshot reader left bytes unread");
            }
            return new Executor.Checkpoint(index, digest, appliedBytes, state, SessionTable.of(capacity, sessions),
                    outbox, entryView, entryHash, entryTimestamp);
        } catch (EOFException e) {
            throw new StorageCorruptionException("the snapshot body ends early");
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageCorruptionException corrupt) {
                throw corrupt;
            }
            throw new StorageCorruptionException("the snapshot body does not decode: " + e);
        }
    }

    private static void writeUuid(DataOutputStream data, UUID id) throws IOException {
        data.writeLong(id.getMostSignificantBits());
        data.writeLong(id.getLeastSignificantBits());
    }

    private static UUID readUuid(DataInputStream data) throws IOException {
        return new UUID(data.readLong(), data.readLong());
    }

    private static void writeBytes(DataOutputStream data, byte[] bytes) throws IOException {
        data.writeInt(bytes.length);
        data.write(bytes);
    }

    private static byte[] readBytes(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0) {
            throw new StorageCorruptionException("a negative length in the snapshot body");
        }
        return data.readNBytes(length);
    }

    private static Hash readHash(DataInputStream data) throws IOException {
        byte[] bytes = new byte[32];
        data.readFully(bytes);
        return Hash.wrap(bytes);
    }
}
