package io.chronon.vsr;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Checksums;
import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.InvariantViolation;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;

/**
 * The wire format of {@link Message}s: one self-checking frame per message. A frame is
 * {@code crc32c(u32) version(u8) type(u8) cluster(16) from(i32) view(i64)} then the message's own
 * fields, big-endian, with entries in their log encoding (which carries its own checksum and payload
 * hash). Decoding checks everything and refuses, with {@link IllegalArgumentException}, any frame that
 * is damaged, cut short, too long, of an unknown version or type, or that does not build a valid
 * message: a peer's bytes are never trusted.
 */
public final class MessageCodec {
    static final byte VERSION = 1;
    private static final int HEADER_BYTES = 4 + 1 + 1 + 16 + 4 + 8;

    private final int maxPayloadBytes;

    /** @param maxPayloadBytes the largest entry payload a frame may carry */
    public MessageCodec(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public byte[] encode(Message message) {
        Writer out = new Writer(HEADER_BYTES + bodyBytes(message));
        out.buffer.position(4);
        out.buffer.put(VERSION).put(type(message));
        out.uuid(message.cluster()).buffer.putInt(message.from()).putLong(message.view());
        switch (message) {
            case Message.Prepare prepare -> out.putLong(prepare.commit()).entries(prepare.entries());
            case Message.PrepareOk ok -> out.putLong(ok.op());
            case Message.Heartbeat heartbeat -> out.putLong(heartbeat.commit()).putLong(heartbeat.op())
                    .hash(heartbeat.opHash()).putLong(heartbeat.round());
            case Message.HeartbeatOk ok -> out.putLong(ok.round()).putLong(ok.op());
            case Message.StartViewChange vote -> out.bool(vote.entered());
            case Message.DoViewChange dvc -> out.putLong(dvc.lastNormalView()).putLong(dvc.op()).hash(dvc.opHash())
                    .putLong(dvc.commit()).entries(dvc.suffix());
            case Message.StartView start -> out.putLong(start.op()).hash(start.opHash()).putLong(start.commit())
                    .entries(start.suffix());
            case Message.RequestEntries request -> out.putLong(request.first()).putLong(request.last());
            case Message.Entries entries -> out.putLong(entries.first()).entries(entries.entries());
            case Message.SnapshotOffer offer -> out.snapshot(offer.snapshot());
            case Message.RequestSnapshotChunk request -> out.putLong(request.index()).putLong(request.offset());
            case Message.SnapshotChunk chunk -> out.putLong(chunk.index()).putLong(chunk.offset()).bytes(chunk.data());
            case Message.Checkpoint checkpoint -> out.putLong(checkpoint.firstIndex()).hashes(checkpoint.digests())
                    .putLong(checkpoint.stateIndex()).hash(checkpoint.stateHash());
            case Message.Recovery recovery -> out.putLong(recovery.nonce());
            case Message.RecoveryResponse response -> out.putLong(response.nonce()).putLong(response.op())
                    .hash(response.opHash()).putLong(response.commit()).bool(response.primary());
        }
        ByteBuffer buffer = out.buffer;
        if (buffer.hasRemaining()) {
            throw new IllegalStateException("frame size miscounted for " + message.getClass().getSimpleName());
        }
        buffer.putInt(0, Checksums.crc32c(buffer, 4, buffer.capacity() - 4));
        return buffer.array();
    }

    public Message decode(byte[] frame) {
        if (frame.length < HEADER_BYTES) {
            throw new IllegalArgumentException("a frame of " + frame.length + " bytes is shorter than a header");
        }
        ByteBuffer in = ByteBuffer.wrap(frame);
        if (in.getInt(0) != Checksums.crc32c(in, 4, frame.length - 4)) {
            throw new IllegalArgumentException("frame checksum mismatch");
        }
        in.position(4);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("frame version " + version + ", expected " + VERSION);
        }
        byte type = in.get();
        try {
            Reader r = new Reader(in, maxPayloadBytes);
            UUID cluster = r.uuid();
            int from = in.getInt();
            long view = in.getLong();
            Message message = switch (type) {
                case 1 -> new Message.Prepare(cluster, from, view, in.getLong(), r.entries());
                case 2 -> new Message.PrepareOk(cluster, from, view, in.getLong());
                case 3 -> new Message.Heartbeat(cluster, from, view, in.getLong(), in.getLong(), r.hash(), in.getLong());
                case 4 -> new Message.HeartbeatOk(cluster, from, view, in.getLong(), in.getLong());
                case 5 -> new Message.StartViewChange(cluster, from, view, r.bool());
                case 6 -> new Message.DoViewChange(cluster, from, view, in.getLong(), in.getLong(), r.hash(),
                        in.getLong(), r.entries());
                case 7 -> new Message.StartView(cluster, from, view, in.getLong(), r.hash(), in.getLong(), r.entries());
                case 8 -> new Message.RequestEntries(cluster, from, view, in.getLong(), in.getLong());
                case 9 -> new Message.Entries(cluster, from, view, in.getLong(), r.entries());
                case 10 -> new Message.SnapshotOffer(cluster, from, view, r.snapshot());
                case 11 -> new Message.RequestSnapshotChunk(cluster, from, view, in.getLong(), in.getLong());
                case 12 -> new Message.SnapshotChunk(cluster, from, view, in.getLong(), in.getLong(), r.bytes());
                case 13 -> new Message.Checkpoint(cluster, from, view, in.getLong(), r.hashes(), in.getLong(), r.hash());
                case 14 -> new Message.Recovery(cluster, from, view, in.getLong());
                case 15 -> new Message.RecoveryResponse(cluster, from, view, in.getLong(), in.getLong(), r.hash(),
                        in.getLong(), r.bool());
                default -> throw new IllegalArgumentException("unknown message type " + type);
            };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after a " + message.getClass().getSimpleName());
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("frame cut short", e);
        } catch (NullPointerException | InvariantViolation e) {
            throw new IllegalArgumentException("frame does not build a message: " + e.getMessage(), e);
        }
    }

    private static byte type(Message message) {
        return switch (message) {
            case Message.Prepare ignored -> 1;
            case Message.PrepareOk ignored -> 2;
            case Message.Heartbeat ignored -> 3;
            case Message.HeartbeatOk ignored -> 4;
            case Message.StartViewChange ignored -> 5;
            case Message.DoViewChange ignored -> 6;
            case Message.StartView ignored -> 7;
            case Message.RequestEntries ignored -> 8;
            case Message.Entries ignored -> 9;
            case Message.SnapshotOffer ignored -> 10;
            case Message.RequestSnapshotChunk ignored -> 11;
            case Message.SnapshotChunk ignored -> 12;
            case Message.Checkpoint ignored -> 13;
            case Message.Recovery ignored -> 14;
            case Message.RecoveryResponse ignored -> 15;
        };
    }

    private static int entriesBytes(List<Entry> entries) {
        int bytes = 4;
        for (Entry entry : entries) {
            bytes += entry.encodedBytes();
        }
        return bytes;
    }

    /** The size of a message's own fields. */
    private static int bodyBytes(Message message) {
        return switch (message) {
            case Message.Prepare prepare -> 8 + entriesBytes(prepare.entries());
            case Message.PrepareOk ignored -> 8;
            case Message.Heartbeat ignored -> 8 + 8 + Hash.BYTES + 8;
            case Message.HeartbeatOk ignored -> 16;
            case Message.StartViewChange ignored -> 1;
            case Message.DoViewChange dvc -> 8 + 8 + Hash.BYTES + 8 + entriesBytes(dvc.suffix());
            case Message.StartView start -> 8 + Hash.BYTES + 8 + entriesBytes(start.suffix());
            case Message.RequestEntries ignored -> 16;
            case Message.Entries entries -> 8 + entriesBytes(entries.entries());
            case Message.SnapshotOffer ignored -> SNAPSHOT_BYTES;
            case Message.RequestSnapshotChunk ignored -> 16;
            case Message.SnapshotChunk chunk -> 16 + 4 + chunk.data().length;
            case Message.Checkpoint checkpoint -> 8 + 4 + Hash.BYTES * checkpoint.digests().size() + 8 + Hash.BYTES;
            case Message.Recovery ignored -> 8;
            case Message.RecoveryResponse ignored -> 8 + 8 + Hash.BYTES + 8 + 1;
        };
    }

    /** Snapshot meta (cluster, schema version, index, view, chain hash, timestamp), body size, body hash. */
    private static final int SNAPSHOT_BYTES = 16 + 4 + 8 + 8 + Hash.BYTES + 8 + 8 + Hash.BYTES;

    private static final class Writer {
        final ByteBuffer buffer;

        Writer(int size) {
            buffer = ByteBuffer.allocate(size);
        }

        Writer putLong(long value) {
            buffer.putLong(value);
            return this;
        }

        Writer bool(boolean value) {
            buffer.put((byte) (value ? 1 : 0));
            return this;
        }

        Writer uuid(UUID id) {
            buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
            return this;
        }

        Writer hash(Hash hash) {
            hash.write(buffer);
            return this;
        }

        Writer hashes(List<Hash> hashes) {
            buffer.putInt(hashes.size());
            hashes.forEach(this::hash);
            return this;
        }

        Writer bytes(byte[] data) {
            buffer.putInt(data.length).put(data);
            return this;
        }

        Writer entries(List<Entry> entries) {
            buffer.putInt(entries.size());
            for (Entry entry : entries) {
                // Entries keep their own (little-endian) log encoding inside the frame.
                entry.encode(buffer);
            }
            return this;
        }

        Writer snapshot(SnapshotInfo snapshot) {
            SnapshotMeta meta = snapshot.meta();
            uuid(meta.clusterId()).buffer.putInt(meta.schemaVersion());
            return putLong(meta.index()).putLong(meta.view()).hash(meta.chainHash()).putLong(meta.timestamp())
                    .putLong(snapshot.bodyBytes()).hash(snapshot.bodyHash());
        }
    }

    private record Reader(ByteBuffer in, int maxPayloadBytes) {
        UUID uuid() {
            return new UUID(in.getLong(), in.getLong());
        }

        boolean bool() {
            byte value = in.get();
            if (value != 0 && value != 1) {
                throw new IllegalArgumentException("a boolean of value " + value);
            }
            return value == 1;
        }

        Hash hash() {
            return Hash.read(in);
        }

        /** A count of items of at least {@code minBytes} each, checked against what the frame still holds. */
        int count(int minBytes) {
            int count = in.getInt();
            if (count < 0 || (long) count * minBytes > in.remaining()) {
                throw new IllegalArgumentException("a count of " + count + " does not fit the frame");
            }
            return count;
        }

        List<Hash> hashes() {
            int count = count(Hash.BYTES);
            List<Hash> hashes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                hashes.add(hash());
            }
            return hashes;
        }

        byte[] bytes() {
            byte[] data = new byte[count(1)];
            in.get(data);
            return data;
        }

        List<Entry> entries() {
            int count = count(Entry.HEADER_BYTES);
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(Entry.decode(in, maxPayloadBytes));
            }
            return entries;
        }

        SnapshotInfo snapshot() {
            SnapshotMeta meta = new SnapshotMeta(uuid(), in.getInt(), in.getLong(), in.getLong(), hash(), in.getLong());
            return new SnapshotInfo(meta, in.getLong(), hash());
        }
    }
}
