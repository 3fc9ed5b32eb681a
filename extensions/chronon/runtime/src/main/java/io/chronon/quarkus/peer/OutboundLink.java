package io.chronon.quarkus.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.chronon.vsr.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import org.jboss.logging.Logger;

/**
 * This replica's connection to one peer, the only way its messages reach that peer. A thread of its
 * own dials, proves the cluster secret, then streams batches of frames while gRPC's flow control says
 * the peer keeps up. When the link breaks it reconnects with jittered exponential backoff, resolving
 * the peer's name again each time (a restarted pod may have a new address). Messages are best effort,
 * as the protocol expects: while the link is down, or its queue is full, they are dropped and counted.
 * A stream that stays blocked by flow control for {@link #STALL_MILLIS} is given up and dialled
 * again: a peer that stops reading without closing (seen once after a long SIGSTOP) must not keep
 * this replica's messages from it for ever.
 */
final class OutboundLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OutboundLink.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    /** How long a stream may stay blocked by flow control before it is given up. */
    static final long STALL_MILLIS = 5_000;
    /**
     * A batch is sent once it holds this much, or when the queue runs dry. Kept under half a G1
     * region (512 KiB with a 2 GiB heap): a larger batch is a humongous array on both ends, and a
     * backup receiving them under load went through a young collection every second.
     */
    private static final int BATCH_BYTES = 256 * 1024;
    /** Queued bytes beyond which new messages are dropped: the peer or the network cannot keep up. */
    private static final long QUEUE_LIMIT_BYTES = 64L * 1024 * 1024;

    private final int self;
    private final int peer;
    private final String address;
    private final UUID cluster;
    private final PeerSecret secret;
    private final PeerCounters counters;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread thread;
    private final Object readiness = new Object();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile ManagedChannel channel;
    private final ThrottledWarning linkDown = new ThrottledWarning(LOG);

    OutboundLink(int self, int peer, String address, UUID cluster, PeerSecret secret, PeerCounters counters) {
        this.self = self;
        this.peer = peer;
        this.address = address;
        this.cluster = cluster;
        this.secret = secret;
        this.counters = counters;
        this.thread = Thread.ofPlatform().name("chronon-peer-" + peer).daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Whether the link is up: connected, handshake sent, not closed by the peer. */
    boolean connected() {
        return connected;
    }

    void send(Message message) {
        if (!connected) {
            counters.dropped("link-down");
            return;
        }
        byte[] frame = PeerGate.WIRE.encode(message);
        if (queuedBytes.get() + frame.length > QUEUE_LIMIT_BYTES) {
            counters.dropped("queue-full");
            return;
        }
        queuedBytes.addAndGet(frame.length);
        queue.add(frame);
        counters.queued(message);
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (running) {
            String failure;
            try {
                failure = connectAndStream();
                backoff = FIRST_BACKOFF_MILLIS;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failure = String.valueOf(e.getMessage());
            } finally {
                connected = false;
                queue.clear();
                queuedBytes.set(0);
                ManagedChannel closing = channel;
                if (closing != null) {
                    closing.shutdownNow();
                }
            }
            if (!running) {
                return;
            }
            linkDown.log("link to replica " + peer + " at " + address + " is down (" + failure + "); reconnecting");
            try {
                Thread.sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /** One connection, from dialling to its end; returns why it ended. */
    private String connectAndStream() throws InterruptedException {
        int colon = address.lastIndexOf(':');
        // A new channel per connection resolves the peer's name again.
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress(address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1))))
                .usePlaintext().maxInboundMessageSize(PeerWire.MAX_MESSAGE_BYTES)
                .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS).build();
        counters.reconnected();
        ClientCall<byte[], byte[]> call = channel.newCall(PeerWire.CONNECT, CallOptions.DEFAULT);
        CompletableFuture<byte[]> challenge = new CompletableFuture<>();
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                challenge.complete(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
                challenge.completeExceptionally(status.asRuntimeException());
                signalReadiness();
            }

            @Override
            public void onReady() {
                signalReadiness();
            }
        }, new Metadata());
        call.request(1);
        PeerWire.Challenge received;
        try {
            received = PeerWire.Challenge.decode(challenge.get(HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            call.cancel("no challenge in time", null);
            return "no handshake within " + HANDSHAKE_TIMEOUT_MILLIS + " ms";
        } catch (ExecutionException e) {
            return describe(closed.getNow(Status.fromThrowable(e.getCause())));
        }
        if (received.server() != peer) {
            call.cancel("wrong replica", null);
            return "the address answers as replica " + received.server() + ", not " + peer;
        }
        call.sendMessage(new PeerWire.Proof(self, peer, cluster,
                secret.connectProof(received.nonce(), self, peer, cluster)).encode());
        connected = true;
        List<byte[]> batch = new ArrayList<>();
        while (running && !closed.isDone()) {
            byte[] first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            batch.add(first);
            int bytes = first.length;
            while (bytes < BATCH_BYTES) {
                byte[] next = queue.poll();
                if (next == null) {
                    break;
                }
                batch.add(next);
                bytes += next.length;
            }
            if (!awaitReady(call, closed)) {
                String stalled = "the peer read nothing for " + STALL_MILLIS + " ms";
                call.cancel(stalled, null);
                return stalled;
            }
            if (closed.isDone()) {
                break;
            }
            call.sendMessage(PeerWire.batch(batch));
            queuedBytes.addAndGet(-bytes);
            batch.clear();
        }
        if (!closed.isDone()) {
            call.halfClose();
            return "closed";
        }
        return describe(closed.join());
    }

    /**
     * Backpressure: waits until gRPC's flow control lets more bytes out, the call ends or the link
     * closes; false if that took longer than {@link #STALL_MILLIS}.
     */
    private boolean awaitReady(ClientCall<byte[], byte[]> call, CompletableFuture<Status> closed)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
        synchronized (readiness) {
            while (running && !call.isReady() && !closed.isDone()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                readiness.wait(100);
            }
        }
        return true;
    }

    private void signalReadiness() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        ManagedChannel closing = channel;
        if (closing != null) {
            closing.shutdownNow();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
