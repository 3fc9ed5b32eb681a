package io.chronon.testkit;

import io.chronon.testkit.LinkProxy.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.chronon.testkit.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class LinkProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void bytesFlowBothWaysAndAreCounted() throws Exception {
        try (TestServer server = TestServer.echo();
             LinkProxy proxy = LinkProxy.start("a->b", server.address());
             Socket client = connect(proxy)) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            client.getOutputStream().write(hello);
            assertArrayEquals(hello, readExactly(client, hello.length));

            byte[] big = new byte[300_000];
            new SplittableRandom(7).nextBytes(big);
            client.getOutputStream().write(big);
            assertArrayEquals(big, readExactly(client, big.length));

            long total = hello.length + big.length;
            await("counters reach " + total, WAIT, () -> proxy.bytesForwarded(Direction.BACKWARD) == total);
            assertEquals(total, proxy.bytesForwarded(Direction.FORWARD));
            assertEquals(2 * total, proxy.bytesForwarded(Direction.BOTH));
            LinkProxy.Stats stats = proxy.stats();
            assertEquals(1, stats.accepted());
            assertEquals(1, stats.open());
            assertEquals(0, stats.held());

            client.shutdownOutput(); // the end of stream goes through, the server closes, and so does the proxy
            assertEquals(-1, client.getInputStream().read());
            await("the connection ends", WAIT, () -> proxy.stats().open() == 0);
            assertEquals(0, proxy.stats().resetByCut() + proxy.stats().resetByDrop());
        }
    }

    @Test
    void forwardCutStopsClientBytesWhileServerBytesStillFlow() throws Exception {
        try (TestServer server = TestServer.ticker();
             LinkProxy proxy = LinkProxy.start("a->b", server.address());
             Socket client = connect(proxy)) {
            client.getOutputStream().write('a');
            await("the server gets 'a'", WAIT, () -> server.received().equals("a"));
            readExactly(client, 3); // ticks arrive

            proxy.cut(Direction.FORWARD);
            assertTrue(proxy.isCut(Direction.FORWARD));
            assertFalse(proxy.isCut(Direction.BACKWARD));
            long forwardBefore = proxy.bytesForwarded(Direction.FORWARD);
            long backwardBefore = proxy.bytesForwarded(Direction.BACKWARD);
            client.getOutputStream().write('b');
            await("ticks keep flowing back", WAIT,
                    () -> proxy.bytesForwarded(Direction.BACKWARD) >= backwardBefore + 10); // 200 ms of ticks
            byte[] ticks = readExactly(client, 10);
            assertEquals("TTTTTTTTTT", new String(ticks, StandardCharsets.US_ASCII));
            assertEquals("a", server.received(), "a byte crossed a forward cut");
            assertEquals(forwardBefore, proxy.bytesForwarded(Direction.FORWARD));

            proxy.heal();
            await("the held 'b' arrives after heal", WAIT, () -> server.received().equals("ab"));
            await("the counter takes the held byte", WAIT,
                    () -> proxy.bytesForwarded(Direction.FORWARD) == forwardBefore + 1);
            assertEquals(1, server.accepted());
        }
    }

    @Test
    void backwardCutStopsAnswersWhileRequestsStillFlow() throws Exception {
        try (TestServer server = TestServer.echo();
             LinkProxy proxy = LinkProxy.start("a->b", server.address());
             Socket client = connect(proxy)) {
            proxy.cut(Direction.BACKWARD);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            await("the server gets the request", WAIT, () -> server.received().equals("ping"));
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertEquals(0, proxy.bytesForwarded(Direction.BACKWARD));

            proxy.heal(Direction.BACKWARD);
            client.setSoTimeout(5_000);
            assertEquals("ping", new String(readExactly(client, 4), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void twoWayCutResetsOpenConnectionsHoldsNewOnesAndHealRestores() throws Exception {
        try (TestServer server = TestServer.echo();
             LinkProxy proxy = LinkProxy.start("a->b", server.address());
             Socket before = connect(proxy)) {
            before.getOutputStream().write('x');
            readExactly(before, 1);

            proxy.cut(Direction.FORWARD);
            proxy.cut(Direction.BACKWARD); // adds up to a partition
            assertTrue(proxy.isCut(Direction.BOTH));
            assertConnectionBroken(before);
            assertEquals(1, proxy.stats().resetByCut());

            try (Socket during = connect(proxy)) { // accepted, then held: a black hole
                during.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
                during.setSoTimeout(400);
                assertThrows(SocketTimeoutException.class, () -> during.getInputStream().read());
                assertEquals(1, server.accepted(), "a held connection reached the target");
                await("the proxy holds it", WAIT, () -> proxy.stats().held() == 1);
                assertEquals("x", server.received());

                proxy.heal();
                during.setSoTimeout(5_000);
                assertEquals("held", new String(readExactly(during, 4), StandardCharsets.US_ASCII),
                        "a held connection goes on with its bytes after heal");
            }
            try (Socket after = connect(proxy)) {
                after.getOutputStream().write('y');
                assertEquals('y', readExactly(after, 1)[0]);
            }
            assertEquals(3, server.accepted()); // before, the held one after heal, after
        }
    }

    @Test
    void delayAddsLatencyEachWay() throws Exception {
        try (TestServer server = TestServer.echo();
             LinkProxy proxy = LinkProxy.start("a->b", server.address());
             Socket client = connect(proxy)) {
            long baseline = minRoundTripNanos(client, 3);
            proxy.delay(Duration.ofMillis(150));
            assertEquals(Duration.ofMillis(150), proxy.delay());
            long delayed = minRoundTripNanos(client, 2);
            assertTrue(delayed >= Duration.ofMillis(300).toNanos(),
                    "round trip " + delayed / 1_000_000 + " ms with 150 ms each way");
            assertTrue(delayed < Duration.ofMillis(3_000).toNanos(), "round trip " + delayed / 1_000_000 + " ms");
            proxy.delay(Duration.ZERO);
            long after = minRoundTripNanos(client, 3);
            assertTrue(after < Duration.ofMillis(150).toNanos(),
                    "round trip " + after / 1_000_000 + " ms after the delay was removed (baseline "
                            + baseline / 1_000_000 + " ms)");
        }
    }

    @Test
    void dropResetsTheConnectionAndZeroDropsNothing() throws Exception {
        try (TestServer server = TestServer.echo();
             LinkProxy proxy = LinkProxy.start("a->b", server.address(), 0, 42)) {
            assertThrows(IllegalArgumentException.class, () -> proxy.dropProbability(1.5));
            assertThrows(IllegalArgumentException.class, () -> proxy.dropProbability(Double.NaN));

            proxy.dropProbability(1.0);
            try (Socket client = connect(proxy)) {
                client.getOutputStream().write('z');
                assertConnectionBroken(client);
            }
            assertEquals(1, proxy.stats().resetByDrop());
            assertEquals("", server.received(), "a dropped chunk reached the target");

            proxy.dropProbability(0.0);
            try (Socket client = connect(proxy)) {
                client.getOutputStream().write('w');
                assertEquals('w', readExactly(client, 1)[0]);
            }
            assertEquals(1, proxy.stats().resetByDrop());
        }
    }

    @Test
    void dropsFollowTheSeed() throws Exception {
        try (TestServer server = TestServer.echo()) {
            List<Boolean> first = dropPattern(server, 11);
            List<Boolean> again = dropPattern(server, 11);
            List<Boolean> other = dropPattern(server, 12);
            assertEquals(first, again);
            assertTrue(first.contains(true) && first.contains(false), first.toString());
            assertNotEquals(first, other);
        }
    }

    /** 24 connections one after another, one byte each: which were reset (forward or backward). */
    private static List<Boolean> dropPattern(TestServer server, long seed) throws IOException {
        List<Boolean> dropped = new ArrayList<>();
        try (LinkProxy proxy = LinkProxy.start("seeded", server.address(), 0, seed)) {
            proxy.dropProbability(0.5);
            for (int i = 0; i < 24; i++) {
                try (Socket client = connect(proxy)) {
                    client.getOutputStream().write('d');
                    int answer;
                    try {
                        answer = client.getInputStream().read();
                    } catch (IOException reset) {
                        answer = -1;
                    }
                    dropped.add(answer != 'd');
                }
            }
            assertEquals(dropped.stream().filter(d -> d).count(), proxy.stats().resetByDrop());
        }
        return dropped;
    }

    @Test
    void closeStopsListeningAndResetsConnections() throws Exception {
        try (TestServer server = TestServer.echo()) {
            LinkProxy proxy = LinkProxy.start("a->b", server.address());
            int port = proxy.port();
            try (Socket client = connect(proxy)) {
                client.getOutputStream().write('c');
                readExactly(client, 1);
                proxy.close();
                assertConnectionBroken(client);
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
            assertEquals(0, proxy.stats().open());
        }
    }

    @Test
    void aDeadTargetResetsTheClient() throws Exception {
        int deadPort = Ports.free();
        try (LinkProxy proxy = LinkProxy.start("a->nowhere",
                new java.net.InetSocketAddress("127.0.0.1", deadPort));
             Socket client = connect(proxy)) {
            assertConnectionBroken(client);
            await("the failed dial is counted", WAIT, () -> proxy.stats().upstreamFailures() == 1);
        }
    }

    private static Socket connect(LinkProxy proxy) throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static byte[] readExactly(Socket socket, int n) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(n);
        if (bytes.length != n) {
            throw new AssertionError("stream ended after " + bytes.length + " of " + n + " bytes: "
                    + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 16))));
        }
        return bytes;
    }

    /** The socket reads end of stream or a reset within 5 s (and nothing else). */
    private static void assertConnectionBroken(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        try {
            int b = in.read();
            assertEquals(-1, b, "read a byte from a connection that should be broken");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open", e);
        } catch (IOException expected) {
            // connection reset
        }
    }

    private static long minRoundTripNanos(Socket client, int tries) throws IOException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < tries; i++) {
            long start = System.nanoTime();
            client.getOutputStream().write('p');
            readExactly(client, 1);
            min = Math.min(min, System.nanoTime() - start);
        }
        return min;
    }
}
