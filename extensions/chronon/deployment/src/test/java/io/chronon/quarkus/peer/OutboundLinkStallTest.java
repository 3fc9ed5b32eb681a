package io.chronon.quarkus.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.vsr.Message;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that accepts the link, takes the proof and then never reads again (a process resumed after
 * a long SIGSTOP was once seen doing this) blocks the link on gRPC flow control. The link must give
 * that stream up after {@link OutboundLink#STALL_MILLIS} and dial again, not wait for ever.
 */
class OutboundLinkStallTest {
    private static final UUID CLUSTER = UUID.fromString("7e57c1a5-0000-4000-8000-0000000000aa");

    private Server peer;
    private OutboundLink link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        if (peer != null) {
            peer.shutdownNow();
        }
    }

    @Test
    void aStreamBlockedByAPeerThatStoppedReadingIsReplaced() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        ServerCallHandler<byte[], byte[]> stopsReading = (call, headers) -> {
            connections.incrementAndGet();
            call.sendHeaders(new Metadata());
            call.request(1); // the proof, and never another message
            call.sendMessage(new PeerWire.Challenge(1, new byte[PeerWire.NONCE_BYTES]).encode());
            return new ServerCall.Listener<>() { };
        };
        peer = startPeer(stopsReading);
        link = new OutboundLink(0, 1, "127.0.0.1:" + peer.getPort(), CLUSTER, new PeerSecret("stall-test"),
                new PeerCounters(new SimpleMeterRegistry()));
        link.start();
        await(link::connected, 10_000, "the link connects");

        // Far more than the HTTP/2 flow-control window: the stream blocks once the window is spent.
        long started = System.nanoTime();
        for (int i = 0; i < 40 && connections.get() == 1; i++) {
            link.send(prepare(i, 256 * 1024));
        }
        await(() -> connections.get() >= 2, OutboundLink.STALL_MILLIS + 10_000, "the link dials again");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis >= OutboundLink.STALL_MILLIS - 500,
                "a stream is given a chance before it is replaced: replaced after " + tookMillis + " ms");
        assertEquals(2, connections.get(), "one replacement, not a storm");
    }

    private static Message.Prepare prepare(long index, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        payload[0] = (byte) index;
        return new Message.Prepare(CLUSTER, 0, 1, -1, List.of(Entry.create(index, 1, index + 1, Entry.NO_CLIENT, 0,
                payload, Hash.ZERO)));
    }

    private static Server startPeer(ServerCallHandler<byte[], byte[]> connect) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(PeerWire.MAX_MESSAGE_BYTES)
                .addService(ServerServiceDefinition.builder(PeerWire.SERVICE).addMethod(PeerWire.CONNECT, connect)
                        .build())
                .build().start();
    }

    private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(20);
        }
    }
}
