package io.chronon.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.StorageCorruptionException;
import org.junit.jupiter.api.Test;

/** The kernel's snapshot body: everything the executor holds survives it, canonically encoded. */
class KernelSnapshotTest {
    private static final UUID CLUSTER = new UUID(9, 9);

    /** A seeded log of commands from a few clients (with retries) and effect acknowledgements. */
    private static List<Entry> log(long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        System.out.println("KernelSnapshotTest log seed " + seed);
        List<Entry> log = new ArrayList<>();
        long[] requestNumbers = new long[4];
        Executor<Long, String, String, String> shadow = new Executor<>(new EmittingApplication(), 3, CLUSTER);
        while (log.size() < length) {
            byte[] payload;
            UUID client = Entry.NO_CLIENT;
            long requestNumber = 0;
            List<Outbox.Pending> pending = shadow.outbox().all();
            if (!pending.isEmpty() && random.nextInt(3) == 0) {
                EffectId id = pending.get(random.nextInt(pending.size())).id();
                payload = random.nextInt(4) == 0 ? Envelope.effectFailed(id, 3, "refused") : Envelope.effectDone(id, random.nextBoolean());
            } else {
                int who = random.nextInt(requestNumbers.length);
                client = new UUID(77, who);
                requestNumber = random.nextInt(5) == 0 && requestNumbers[who] > 0 ? requestNumbers[who]
                        : ++requestNumbers[who];
                payload = Envelope.command(("emit " + random.nextInt(3) + (random.nextBoolean() ? "" : " t"))
                        .getBytes(StandardCharsets.UTF_8));
            }
            Entry entry = Entry.create(log.size(), 1 + log.size() / 50, 1_000L * log.size(), client, requestNumber,
                    payload, log.isEmpty() ? Hash.ZERO : log.getLast().hash());
            log.add(entry);
            shadow.apply(entry);
        }
        return log;
    }

    private static byte[] body(Executor<Long, String, String, String> executor) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KernelSnapshot.write(executor.checkpoint(), executor.application(), out);
        return out.toByteArray();
    }

    @Test
    void snapshotThenReplayReachesTheSameDigestAndStateAsAFullReplay() throws IOException {
        long seed = System.nanoTime();
        List<Entry> log = log(seed, 400);
        Executor<Long, String, String, String> full = new Executor<>(new EmittingApplication(), 3, CLUSTER);
        log.forEach(full::apply);

        for (int cut : new int[] {0, 57, 199, 398}) {
            Executor<Long, String, String, String> first = new Executor<>(new EmittingApplication(), 3, CLUSTER);
            log.subList(0, cut + 1).forEach(first::apply);
            byte[] body = body(first);
            Executor<Long, String, String, String> restored = first.restoredFrom(
                    KernelSnapshot.read(new ByteArrayInputStream(body), new EmittingApplication()));
            assertArrayEquals(body, body(restored), "decoding and encoding again gives the same bytes");
            log.subList(cut + 1, log.size()).forEach(restored::apply);
            assertEquals(full.digest(), restored.digest(), "seed " + seed + ", snapshot at " + cut);
            assertEquals(full.state(), restored.state());
            assertEquals(full.outbox(), restored.outbox());
            assertEquals(full.appliedBytes(), restored.appliedBytes());
            assertArrayEquals(body(full), body(restored), "the same state encodes to the same bytes: seed " + seed);
        }
        assertEquals(3, full.sessions().size(), "sessions were evicted along the way (capacity 3, 4 clients)");
    }

    /** Writes its state as 8 bytes and reads exactly 8 back. */
    private static final class FixedWidth extends EmittingApplication {
        @Override
        public void writeSnapshot(Long state, java.io.OutputStream out) throws IOException {
            new java.io.DataOutputStream(out).writeLong(state);
        }

        @Override
        public Long readSnapshot(java.io.InputStream in, int schemaVersion) throws IOException {
            return new java.io.DataInputStream(in).readLong();
        }
    }

    @Test
    void aDamagedOrForeignBodyIsRefusedWithAReason() throws IOException {
        Executor<Long, String, String, String> executor = new Executor<>(new FixedWidth(), 3, CLUSTER);
        log(1, 20).forEach(executor::apply);
        byte[] body = body(executor);
        assertEquals(executor.state(), KernelSnapshot.read(new ByteArrayInputStream(body), new FixedWidth()).state());
        assertEquals("the snapshot body ends early", assertThrows(StorageCorruptionException.class,
                () -> KernelSnapshot.read(new ByteArrayInputStream(Arrays.copyOf(body, body.length - 3)),
                        new FixedWidth())).getMessage());
        assertEquals("the application's snapshot reader left bytes unread", assertThrows(
                StorageCorruptionException.class, () -> KernelSnapshot.read(
                        new ByteArrayInputStream(Arrays.copyOf(body, body.length + 1)), new FixedWidth())).getMessage());
        byte[] foreign = body.clone();
        foreign[0] = 'X';
        assertEquals("not a kernel snapshot", assertThrows(StorageCorruptionException.class,
                () -> KernelSnapshot.read(new ByteArrayInputStream(foreign), new FixedWidth())).getMessage());
    }
}
