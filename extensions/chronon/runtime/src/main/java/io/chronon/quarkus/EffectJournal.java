package io.chronon.quarkus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.zip.CRC32C;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;

/**
 * The built-in sink: effects appended to a file in the data directory, one line each
 * ({@code crc effect-id view sink base64(payload)}), made durable before the delivery completes,
 * and deduplicated by effect id. Writing the line is recording the id, in one write, so a
 * redelivered effect is written once: exactly once. A line cut short by a crash has a wrong
 * checksum; it is ignored when the journal is opened, and the effect, never acknowledged, comes
 * again. It is where effects go when no other sink takes them, so dev mode runs on a bare machine.
 */
public final class EffectJournal implements AutoCloseable {
    public static final String FILE_NAME = "effects.journal";

    private final FileChannel channel;
    private final Set<EffectId> written = new HashSet<>();

    private EffectJournal(FileChannel channel, Set<EffectId> written) {
        this.channel = channel;
        this.written.addAll(written);
    }

    public static EffectJournal open(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        try {
            Set<EffectId> written = new HashSet<>();
            long valid = 0;
            if (Files.exists(file)) {
                byte[] content = Files.readAllBytes(file);
                int start = 0;
                for (int i = 0; i < content.length; i++) {
                    if (content[i] == '\n') {
                        String line = new String(content, start, i - start, StandardCharsets.UTF_8);
                        EffectId id = verified(line);
                        if (id == null) {
                            break;
                        }
                        written.add(id);
                        start = i + 1;
                        valid = start;
                    }
                }
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            // A torn last line is cut off, so that the next line starts cleanly.
            channel.truncate(valid);
            channel.position(valid);
            return new EffectJournal(channel, written);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the effect journal " + file, e);
        }
    }

    /** The id of a complete, intact line, or null. */
    private static EffectId verified(String line) {
        int space = line.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String body = line.substring(space + 1);
        if (!line.substring(0, space).equals(crc(body))) {
            return null;
        }
        return EffectId.parse(body.substring(0, body.indexOf(' ')));
    }

    private static String crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** Appends an effect unless its id is already in the journal; returns whether it was written. */
    public synchronized boolean append(EffectId id, long view, String sink, byte[] payload) {
        if (written.contains(id)) {
            return false;
        }
        String body = id + " " + view + " " + sink + " " + Base64.getEncoder().encodeToString(payload);
        byte[] line = (crc(body) + " " + body + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the effect journal", e);
        }
        written.add(id);
        return true;
    }

    /** One sink name served by this journal. */
    public EffectSink sink(String name) {
        return new EffectSink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Guarantee guarantee() {
                return Guarantee.EXACTLY_ONCE;
            }

            @Override
            public CompletionStage<Receipt> deliver(Delivery delivery) {
                try {
                    boolean written = append(delivery.id(), delivery.view(), name, delivery.payload());
                    return CompletableFuture.completedFuture(written ? Receipt.DELIVERED : Receipt.DUPLICATE_SUPPRESSED);
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
