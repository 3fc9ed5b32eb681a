package io.chronon.testkit;

import io.chronon.testkit.History.Event;
import io.chronon.testkit.History.Fail;
import io.chronon.testkit.History.Invoke;
import io.chronon.testkit.History.Ok;
import io.chronon.testkit.History.Operation;
import io.chronon.testkit.History.Unknown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    private static final List<String> AWKWARD = List.of("plain", "", "quote \" and \\ backslash", "new\nline\r\ttab",
            "\u0000\u0001\u001f\u007f control", "/slash", "é ü ß 日本", "emoji \uD83D\uDE00 pair",
            "lone \uD800 high", "lone \uDC00 low", "end high \uD83D", "{\"json\":[1,2]}");

    @Test
    void recordWriteReadBackEqual(@TempDir Path dir) throws Exception {
        History history = new History();
        int processes = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            int process = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < AWKWARD.size(); i++) {
                    History.Pending op = history.invoke(process, i % 2 == 0 ? "put" : "get", AWKWARD.get(i));
                    switch ((i + process) % 4) {
                        case 0 -> op.ok(AWKWARD.get(AWKWARD.size() - 1 - i));
                        case 1 -> op.ok(null);
                        case 2 -> op.fail("rejected: " + AWKWARD.get(i));
                        default -> op.unknown(null);
                    }
                }
                history.invoke(process, "get", null); // left pending
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        List<Event> events = history.events();
        assertEquals(processes * (2 * AWKWARD.size() + 1), events.size());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).nanos() <= events.get(i).nanos(), "events in time order");
        }
        Set<Long> ids = new HashSet<>();
        events.stream().filter(e -> e instanceof Invoke).forEach(e -> assertTrue(ids.add(e.op())));

        Path file = dir.resolve("sub/history.jsonl");
        history.write(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(events.size(), lines.size(), "one line per event");
        List<Event> read = History.read(file);
        assertEquals(events, read);

        List<Operation> operations = History.operations(read);
        assertEquals(history.operations(), operations);
        assertEquals(processes * (AWKWARD.size() + 1), operations.size());
        assertEquals(processes, operations.stream().filter(Operation::pending).count());
        assertEquals(processes * AWKWARD.size() / 2, operations.stream().filter(Operation::outcomeKnown)
                .filter(o -> o.completion() instanceof Ok).count());
        for (Operation op : operations) {
            if (!op.pending()) {
                assertTrue(op.completion().nanos() >= op.invoke().nanos());
            }
        }
    }

    @Test
    void jsonLineFormat() {
        assertEquals("{\"type\":\"invoke\",\"op\":0,\"process\":1,\"operation\":\"put\",\"input\":\"k=\\\"v\\\"\\n\","
                + "\"nanos\":12}", History.toJson(new Invoke(0, 1, "put", "k=\"v\"\n", 12)));
        assertEquals("{\"type\":\"ok\",\"op\":0,\"process\":1,\"operation\":\"put\",\"output\":null,\"nanos\":20}",
                History.toJson(new Ok(0, 1, "put", null, 20)));
        assertEquals("{\"type\":\"fail\",\"op\":3,\"process\":-2,\"operation\":\"cas\",\"error\":\"\\u0001\\ud800\","
                + "\"nanos\":7}", History.toJson(new Fail(3, -2, "cas", "\u0001\uD800", 7)));
        assertEquals("{\"type\":\"unknown\",\"op\":4,\"process\":0,\"operation\":\"get\",\"error\":\"timeout\","
                + "\"nanos\":9}", History.toJson(new Unknown(4, 0, "get", "timeout", 9)));
        // keys in any order, spaces, escapes other writers use, unknown keys ignored
        assertEquals(new Ok(5, 2, "get", "a/b\u00e9", 99), History.parse(
                " { \"nanos\" : 99, \"output\":\"a\\/b\\u00E9\", \"type\":\"ok\", \"op\":5, \"process\":2,"
                        + " \"operation\":\"get\", \"extra\": true } "));
    }

    @Test
    void malformedLinesAreRejectedWithTheirLineNumber(@TempDir Path dir) throws Exception {
        for (String bad : List.of("", "{", "{\"type\":\"ok\"}", "{\"type\":\"bogus\",\"op\":0,\"process\":0,"
                + "\"operation\":\"x\",\"nanos\":0}", "{\"type\":\"ok\",\"op\":1.5,\"process\":0,\"operation\":\"x\","
                + "\"output\":null,\"nanos\":0}", "{\"type\":\"ok\",\"op\":0,\"process\":0,\"operation\":null,"
                + "\"output\":null,\"nanos\":0}", "{\"type\":\"ok\",\"type\":\"ok\"}", "{} x", "{\"a\":\"\\q\"}")) {
            assertThrows(IllegalArgumentException.class, () -> History.parse(bad), bad);
        }
        Path file = dir.resolve("h.jsonl");
        Files.writeString(file, History.toJson(new Invoke(0, 0, "get", null, 1)) + "\n\n{oops}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> History.read(file));
        assertTrue(e.getMessage().contains("h.jsonl:3:"), e.getMessage());
    }

    @Test
    void oneOperationAtATimePerProcessAndOneCompletionPerOperation() {
        History history = new History();
        History.Pending first = history.invoke(1, "put", "a");
        assertThrows(IllegalStateException.class, () -> history.invoke(1, "get", null));
        History.Pending other = history.invoke(2, "get", null); // another process may overlap
        Unknown unknown = first.unknown("timeout");
        assertEquals(first.op(), unknown.op());
        assertThrows(IllegalStateException.class, () -> first.ok("late"));
        History.Pending next = history.invoke(1, "get", null); // after unknown the process goes on
        assertInstanceOf(Fail.class, next.fail("no quorum"));
        other.ok("a");

        List<Operation> ops = history.operations();
        assertEquals(3, ops.size());
        assertInstanceOf(Unknown.class, ops.get(0).completion());
        assertFalse(ops.get(0).outcomeKnown());
        assertEquals("a", ((Ok) ops.get(1).completion()).output());
        assertNull(ops.get(1).invoke().input());
        assertTrue(ops.get(2).outcomeKnown());

        assertThrows(IllegalArgumentException.class,
                () -> History.operations(List.of(new Ok(0, 1, "put", null, 5))));
        assertThrows(IllegalArgumentException.class, () -> History.operations(List.of(
                new Invoke(0, 1, "put", null, 1), new Ok(0, 1, "put", null, 2), new Fail(0, 1, "put", null, 3))));
        assertThrows(IllegalArgumentException.class, () -> History.operations(List.of(
                new Invoke(0, 1, "put", null, 1), new Ok(0, 2, "put", null, 2))));
    }
}
