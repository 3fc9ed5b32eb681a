package io.chronon.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.InvariantViolation;
import org.junit.jupiter.api.Test;

public class ExecutorTest {
    public static final UUID TEST_CLUSTER = new UUID(0xE7, 0xE7);
    private static final UUID CLIENT = new UUID(3, 3);

    /** A counter: "add N" adds, "reject" rejects, "throw" throws, "oom" throws an Error. */
    public static final class Counter implements ChrApplication<Long, String, String, String> {
        final List<Long> seeds = new ArrayList<>();

        @Override
        public Long genesis() {
            return 0L;
        }

        @Override
        public Applied<Long, String> apply(Long state, String command, ApplyContext context) {
            seeds.add(context.seed());
            return switch (command.split(" ")[0]) {
                case "add" -> {
                    long next = state + Long.parseLong(command.split(" ")[1]);
                    yield Applied.accept(next, Long.toString(next));
                }
                case "reject" -> Applied.reject("no", "refused");
                case "throw" -> throw new IllegalStateException("boom");
                case "oom" -> throw new OutOfMemoryError("simulated");
                default -> throw new IllegalArgumentException("unknown " + command);
            };
        }

        @Override
        public String query(Long state, String query) {
            return Long.toString(state);
        }

        static final Codec<String> TEXT = new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };

        @Override
        public Codec<String> commands() {
            return TEXT;
        }

        @Override
        public Codec<String> queries() {
            return TEXT;
        }

        @Override
        public Codec<String> results() {
            return TEXT;
        }

        @Override
        public int snapshotSchemaVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(Long state, OutputStream out) {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public Long readSnapshot(InputStream in, int schemaVersion) {
            throw new UnsupportedOperationException("not needed here");
        }
    }

    private static List<Entry> entries(String... commands) {
        List<Entry> entries = new ArrayList<>();
        Hash previous = Hash.ZERO;
        for (int i = 0; i < commands.length; i++) {
            Entry entry = Entry.create(i, 1, 1000L * i, CLIENT, i + 1,
                    Envelope.command(commands[i].getBytes(StandardCharsets.UTF_8)), previous);
            entries.add(entry);
            previous = entry.hash();
        }
        return entries;
    }

    private static String text(Outcome outcome) {
        return new String(assertInstanceOf(Outcome.Completed.class, outcome).result(), StandardCharsets.UTF_8);
    }

    @Test
    void appliesInOrderAndRejectionsAndExceptionsLeaveTheStateAlone() {
        Executor<Long, String, String, String> executor = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        assertEquals(-1, executor.appliedIndex(), "nothing applied is not index 0 applied");
        List<Entry> log = entries("add 5", "reject", "throw", "add 2");
        assertEquals("5", text(executor.apply(log.get(0)).outcome()));
        assertEquals(new Outcome.Rejected(new Rejection("no", "refused")), executor.apply(log.get(1)).outcome());
        assertEquals(5L, executor.state());
        Outcome failed = executor.apply(log.get(2)).outcome();
        assertEquals(new Outcome.Failed("java.lang.IllegalStateException: boom"), failed);
        assertEquals(5L, executor.state());
        assertEquals("7", text(executor.apply(log.get(3)).outcome()));
        assertEquals(3, executor.appliedIndex());
        assertEquals("7", new String(executor.query("q".getBytes()), StandardCharsets.UTF_8));
    }

    @Test
    void anErrorCrashesTheReplicaInsteadOfBeingRecorded() {
        Executor<Long, String, String, String> executor = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        Entry entry = entries("oom").getFirst();
        assertThrows(OutOfMemoryError.class, () -> executor.apply(entry));
        assertEquals(-1, executor.appliedIndex());
    }

    @Test
    void entriesApplyOnlyInOrder() {
        Executor<Long, String, String, String> executor = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        List<Entry> log = entries("add 1", "add 1");
        assertThrows(InvariantViolation.class, () -> executor.apply(log.get(1)));
        executor.apply(log.get(0));
        assertThrows(InvariantViolation.class, () -> executor.apply(log.get(0)), "never twice");
    }

    @Test
    void aRetryAppendedTwiceIsAnsweredFromTheSessionNotAppliedAgain() {
        Executor<Long, String, String, String> executor = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        Entry first = Entry.create(0, 1, 0, CLIENT, 1, Envelope.command("add 5".getBytes()), Hash.ZERO);
        Entry retry = Entry.create(1, 2, 0, CLIENT, 1, Envelope.command("add 5".getBytes()), first.hash());
        Executor.Result original = executor.apply(first);
        Executor.Result again = executor.apply(retry);
        assertTrue(again.duplicate());
        assertEquals(original.outcome(), again.outcome());
        assertEquals(5L, executor.state(), "applied once");
        Entry skipped = Entry.create(2, 2, 0, new UUID(8, 8), 4, Envelope.command("add 1".getBytes()), retry.hash());
        assertEquals(new Outcome.SessionExpired(), executor.apply(skipped).outcome());
        assertEquals(5L, executor.state());
    }

    @Test
    void replicasWithTheSameLogHaveTheSameDigestsAndSeeds() {
        Counter one = new Counter();
        Counter two = new Counter();
        Executor<Long, String, String, String> first = new Executor<>(one, 100, TEST_CLUSTER);
        Executor<Long, String, String, String> second = new Executor<>(two, 100, TEST_CLUSTER);
        List<Hash> digests = new ArrayList<>();
        for (Entry entry : entries("add 1", "reject", "throw", "add 3", "add 4")) {
            Hash digest = first.apply(entry).digest();
            assertEquals(digest, second.apply(entry).digest());
            assertFalse(digests.contains(digest), "each index has its own digest");
            digests.add(digest);
        }
        assertEquals(one.seeds, two.seeds);
        assertEquals(5, one.seeds.stream().distinct().count(), "every entry has its own seed: " + one.seeds);
    }

    @Test
    void aDifferentOutcomeChangesTheDigest() {
        Executor<Long, String, String, String> first = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        Executor<Long, String, String, String> second = new Executor<>(new Counter(), 100, TEST_CLUSTER);
        Entry entry = entries("add 1").getFirst();
        first.apply(entry);
        Entry other = Entry.create(0, 1, 0, CLIENT, 1, Envelope.command("add 2".getBytes()), Hash.ZERO);
        assertNotEquals(first.digest(), second.apply(other).digest());
        assertSame(first.application().getClass(), Counter.class);
    }
}
