package io.chronon.quarkus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.chronon.engine.Hash;
import io.chronon.kernel.Outcome;

/**
 * What each applied entry produced, in index order: its outcome and the applied digest after it.
 * The log holds the commands; this file holds what the application made of them, so a restart can
 * tell whether replaying the log with the code it runs now gives the history it gave before.
 *
 * <p>Record: {@code crc32c(u32) length(u32) index(u64) digest(32 bytes) outcome}, little-endian, the
 * checksum over everything after it. Records are buffered and written in batches; the file is a
 * record of history, not a durability point: a tail lost or torn by a crash is cut off when the file
 * is opened and written again as the entries are applied again.
 */
final class OutcomeJournal implements AutoCloseable {
    static final String FILE_NAME = "outcomes.journal";
    private static final int FIXED_BYTES = 4 + 4 + 8 + Hash.BYTES;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** One applied entry as recorded. */
    record Recorded(long index, Hash digest, Outcome outcome) {}

    private final FileChannel channel;
    private final ByteBuffer pending = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** Where the next record read starts, while the recorded history is being compared. */
    private long readPosition;
    /** The end of the intact records on disk. */
    private long end;
    private long lastIndex = -1;

    private OutcomeJournal(FileChannel channel, long end, long lastIndex) {
        this.channel = channel;
        this.end = end;
        this.lastIndex = lastIndex;
    }

    static OutcomeJournal open(Path directory) {
        try {
            FileChannel channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            long position = 0;
            long last = -1;
            while (true) {
                Recorded record = read(channel, position);
                if (record == null || record.index() <= last) {
                    break;
                }
                last = record.index();
                position += recordBytes(channel, position);
            }
            channel.truncate(position);
            return new OutcomeJournal(channel, position, last);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the outcome journal in " + directory, e);
        }
    }

    /** The index of the last record, or −1. */
    long lastIndex() {
        return lastIndex;
    }

    /** The next recorded entry after the ones read so far, or null at the end. */
    Recorded next() {
        try {
            Recorded record = readPosition < end ? read(channel, readPosition) : null;
            if (record != null) {
                readPosition += recordBytes(channel, readPosition);
            }
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the outcome journal", e);
        }
    }

    /** Drops the records of entry {@code index} and after (a history that changed). */
    synchronized void truncateAt(long index) {
        try {
            flush();
            long position = 0;
            long last = -1;
            while (position < end) {
                Recorded record = read(channel, position);
                if (record == null || record.index() >= index) {
                    break;
                }
                last = record.index();
                position += recordBytes(channel, position);
            }
            channel.truncate(position);
            end = position;
            readPosition = position;
            lastIndex = last;
        } catch (IOException e) {
            throw new UncheckedIOException("truncating the outcome journal", e);
        }
    }

    /**
     * The recorded entries {@code from} to {@code to}, read from the file from any thread (the
     * replica's loop keeps appending meanwhile). Scans the file from its start.
     */
    List<Recorded> recorded(long from, long to) {
        long readable;
        synchronized (this) {
            flush();
            readable = end;
        }
        List<Recorded> found = new ArrayList<>();
        try {
            long position = 0;
            while (position < readable) {
                Recorded record = read(channel, position);
                if (record == null || record.index() > to) {
                    break;
                }
                if (record.index() >= from) {
                    found.add(record);
                }
                position += recordBytes(channel, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the outcome journal", e);
        }
        return found;
    }

    /** Appends the record of an entry applied after the last one recorded. */
    synchronized void append(long index, Hash digest, Outcome outcome) {
        if (index <= lastIndex) {
            throw new IllegalStateException("outcome of entry " + index + " recorded after entry " + lastIndex);
        }
        byte[] encoded = outcome.encode();
        int size = FIXED_BYTES + encoded.length;
        if (pending.remaining() < size) {
            flush();
        }
        ByteBuffer record = size > pending.capacity() ? ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN)
                : pending;
        int start = record.position();
        record.putInt(0).putInt(8 + Hash.BYTES + encoded.length).putLong(index);
        digest.write(record, record.position());
        record.position(record.position() + Hash.BYTES);
        record.put(encoded);
        CRC32C crc = new CRC32C();
        crc.update(record.array(), start + 4, size - 4);
        record.putInt(start, (int) crc.getValue());
        lastIndex = index;
        if (record != pending) {
            write(record.flip());
        }
    }

    /** Writes the buffered records to the file (no fsync: see the class comment). */
    synchronized void flush() {
        if (pending.position() > 0) {
            write(pending.flip());
            pending.clear();
        }
    }

    private void write(ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                end += channel.write(buffer, end);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the outcome journal", e);
        }
    }

    /** The size of the record at {@code position}, checksum and length included. */
    private static int recordBytes(FileChannel channel, long position) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(length, position + 4);
        return 8 + length.getInt(0);
    }

    /** The intact record at {@code position}, or null if there is none (end, torn or damaged). */
    private static Recorded read(FileChannel channel, long position) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (channel.read(head, position) < 8) {
            return null;
        }
        int crc = head.getInt(0);
        int length = head.getInt(4);
        if (length < 8 + Hash.BYTES || length > (64 << 20)) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (body.hasRemaining()) {
            if (channel.read(body, position + 8 + body.position()) <= 0) {
                return null;
            }
        }
        CRC32C check = new CRC32C();
        check.update(head.array(), 4, 4);
        check.update(body.array(), 0, length);
        if ((int) check.getValue() != crc) {
            return null;
        }
        long index = body.getLong(0);
        Hash digest = Hash.read(body, 8);
        byte[] outcome = new byte[length - 8 - Hash.BYTES];
        body.get(8 + Hash.BYTES, outcome);
        try {
            return new Recorded(index, digest, Outcome.decode(outcome));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            flush();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
