package io.chronon.vsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import io.chronon.engine.Checksums;
import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire format: every message survives the trip, and no damaged frame is taken for a message. */
class MessageCodecTest {
    private static final int MAX_PAYLOAD = 4096;
    private final MessageCodec codec = new MessageCodec(MAX_PAYLOAD);

    /** A message of every type, with fields drawn from {@code random}. */
    static List<Message> everyType(SplittableRandom random) {
        UUID cluster = new UUID(random.nextLong(), random.nextLong());
        int from = random.nextInt(7);
        long view = random.nextLong(1_000_000);
        List<Entry> entries = entries(random);
        Hash hash = hash(random);
        SnapshotInfo snapshot = new SnapshotInfo(new SnapshotMeta(cluster, random.nextInt(5), random.nextLong(1 << 40),
                view, hash(random), random.nextLong()), random.nextLong(1 << 40), hash(random));
        List<Hash> digests = new ArrayList<>();
        for (int i = random.nextInt(20); i > 0; i--) {
            digests.add(hash(random));
        }
        byte[] chunk = new byte[random.nextInt(3000)];
        random.nextBytes(chunk);
        return List.of(
                new Message.Prepare(cluster, from, view, random.nextLong(-1, 1000), entries),
                new Message.PrepareOk(cluster, from, view, random.nextLong(-1, 1000)),
                new Message.Heartbeat(cluster, from, view, -1, random.nextLong(1000), hash, random.nextLong()),
                new Message.HeartbeatOk(cluster, from, view, random.nextLong(), random.nextLong(1000)),
                new Message.StartViewChange(cluster, from, view, random.nextBoolean()),
                new Message.DoViewChange(cluster, from, view, view - 1, random.nextLong(1000), hash, -1, entries),
                new Message.StartView(cluster, from, view, random.nextLong(1000), hash, 7, entries),
                new Message.RequestEntries(cluster, from, view, 3, 90),
                new Message.Entries(cluster, from, view, entries.isEmpty() ? 0 : entries.getFirst().index(), entries),
                new Message.SnapshotOffer(cluster, from, view, snapshot),
                new Message.RequestSnapshotChunk(cluster, from, view, snapshot.index(), random.nextLong(1 << 30)),
                new Message.SnapshotChunk(cluster, from, view, snapshot.index(), 4096, chunk),
                new Message.Checkpoint(cluster, from, view, random.nextLong(1000), digests, -1, Hash.ZERO),
                new Message.Recovery(cluster, from, view, random.nextLong()),
                new Message.RecoveryResponse(cluster, from, view, random.nextLong(), random.nextLong(1000), hash, 5,
                        random.nextBoolean()));
    }

    private static Hash hash(SplittableRandom random) {
        byte[] bytes = new byte[Hash.BYTES];
        random.nextBytes(bytes);
        return Hash.wrap(bytes);
    }

    private static List<Entry> entries(SplittableRandom random) {
        List<Entry> entries = new ArrayList<>();
        Hash previous = hash(random);
        long first = random.nextLong(1000);
        for (int i = random.nextInt(1, 6); i > 0; i--) {
            byte[] payload = new byte[random.nextInt(200)];
            random.nextBytes(payload);
            Entry entry = Entry.create(first + entries.size(), random.nextLong(50), random.nextLong(),
                    new UUID(random.nextLong(), random.nextLong()), random.nextLong(1, 100), payload, previous);
            entries.add(entry);
            previous = entry.hash();
        }
        return entries;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void everyMessageSurvivesTheTrip(long seed) {
        System.out.println("MessageCodecTest seed " + seed);
        Set<Byte> types = new HashSet<>();
        for (Message message : everyType(new SplittableRandom(seed))) {
            byte[] frame = codec.encode(message);
            Message decoded = codec.decode(frame);
            assertEquals(message.getClass(), decoded.getClass());
            assertArrayEquals(frame, codec.encode(decoded), message.getClass().getSimpleName());
            if (!(message instanceof Message.SnapshotChunk)) {
                assertEquals(message, decoded);
            }
            types.add(frame[5]);
        }
        assertEquals(15, types.size(), "every type has its own code");
    }

    @Test
    void aFrameCutShortAnywhereIsRefused() {
        for (Message message : everyType(new SplittableRandom(42))) {
            byte[] frame = codec.encode(message);
            for (int length = 0; length < frame.length; length++) {
                byte[] cut = Arrays.copyOf(frame, length);
                assertThrows(IllegalArgumentException.class, () -> codec.decode(cut),
                        message.getClass().getSimpleName() + " cut at " + length);
            }
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        for (Message message : everyType(new SplittableRandom(43))) {
            byte[] frame = codec.encode(message);
            int step = Math.max(1, frame.length * 8 / 2000);
            for (int bit = 0; bit < frame.length * 8; bit += step) {
                byte[] flipped = frame.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThrows(IllegalArgumentException.class, () -> codec.decode(flipped),
                        message.getClass().getSimpleName() + " bit " + bit);
            }
        }
    }

    @Test
    void wellChecksummedNonsenseIsRefused() {
        SplittableRandom random = new SplittableRandom(44);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] frame = new byte[random.nextInt(0, 400)];
            random.nextBytes(frame);
            if (frame.length >= 6) {
                frame[4] = MessageCodec.VERSION;
                frame[5] = (byte) random.nextInt(0, 17);
                // A valid checksum over random contents: the decoder must still refuse what does not parse.
                ByteBuffer buffer = ByteBuffer.wrap(frame);
                buffer.putInt(0, Checksums.crc32c(buffer, 4, frame.length - 4));
            }
            try {
                codec.decode(frame);
            } catch (IllegalArgumentException refused) {
                continue;
            }
            // Random bytes may happen to form a fixed-size message; they must then re-encode identically.
            assertArrayEquals(frame, codec.encode(codec.decode(frame)));
        }
    }

    @Test
    void anEntryLargerThanTheLimitIsRefused() {
        Entry big = Entry.create(0, 1, 0, new UUID(1, 1), 1, new byte[MAX_PAYLOAD + 1], Hash.ZERO);
        byte[] frame = new MessageCodec(MAX_PAYLOAD + 1).encode(
                new Message.Entries(new UUID(2, 2), 0, 1, 0, List.of(big)));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(frame));
    }
}
