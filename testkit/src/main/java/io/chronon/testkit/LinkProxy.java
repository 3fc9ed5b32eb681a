package io.chronon.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy for one directed peer link: listens on 127.0.0.1 and forwards every accepted connection
 * to one target. <em>Forward</em> is the direction from the dialling client to the target, <em>backward</em>
 * the answers. Every control takes effect at once, on open connections and new ones.
 *
 * <h2>Semantics</h2>
 * TCP is a reliable byte stream: a real network can delay it, or break the connection, but never hand
 * the receiver a stream with bytes missing from its middle. The proxy only does what a network could
 * do, so that tests exercise the protocol and its reconnects rather than a frame parser fed garbage.
 * <ul>
 *   <li><b>{@link #cut cut(FORWARD)} / {@link #cut cut(BACKWARD)}</b> (one way): bytes in that direction
 *       stop; the other direction keeps flowing on the same connection. Stopped bytes are held, not
 *       discarded (up to {@value #QUEUE_CHUNKS} chunks of {@value #CHUNK_BYTES} bytes per connection and
 *       direction in the proxy, then the sender's socket buffers fill and its writes block), and arrive
 *       in order after {@link #heal()}, unless the connection is closed first. This is what TCP over a
 *       link that loses every packet one way does: it retransmits until the link comes back or a side
 *       gives up. New connections are set up normally and have the same one-way stop.</li>
 *   <li><b>{@code cut(BOTH)}</b> (a partition): open connections are reset (RST to both sides), and new
 *       connections are <em>held</em>: the proxy accepts them (the kernel would complete the handshake
 *       anyway) but neither reads from them nor dials the target, like a black hole. The dialler sees
 *       its writes go unanswered until its own timeouts fire. On heal, held connections that are still
 *       open are joined to the target with every byte their client wrote, in order.</li>
 *   <li><b>{@link #delay(Duration)}</b>: every chunk is delivered no earlier than the delay after the
 *       proxy read it, in each direction (a round trip grows by twice the delay). It is latency, not a
 *       bandwidth limit: chunks in flight overlap. A changed delay applies to chunks read afterwards;
 *       order is always kept.</li>
 *   <li><b>{@link #dropProbability(double)}</b>: with that probability for each chunk the proxy reads (in
 *       either direction), the chunk is dropped <em>by resetting the connection</em>: both sides get an
 *       RST and everything in flight on that connection is lost. A lost TCP segment is invisible to the
 *       application (it is retransmitted); what an application can observe of loss is, in the end, a
 *       broken connection and the messages that died with it. Dropping bytes out of the middle of a
 *       stream that stays open would instead corrupt framing, which no network does. The draws come
 *       from a {@link SplittableRandom} seeded at {@link #start}; the sequence of draws is fixed by the
 *       seed, but which chunk meets which draw depends on how the kernel splits reads and on thread
 *       scheduling, so a run is not exactly reproducible from the seed.</li>
 * </ul>
 * A connection ends gracefully when both directions have delivered their end of stream, and is reset
 * when either socket fails (an RST from one peer becomes an RST to the other).
 *
 * <p>Threads: one virtual thread accepts; each connection has a virtual thread that dials, then a
 * reader and a writer per direction. All are stopped by {@link #close()}.
 */
public final class LinkProxy implements AutoCloseable {

    /** The direction of a link's traffic: from the dialler to the target, back, or both. */
    public enum Direction {
        /** Client (dialler) to target. */
        FORWARD,
        /** Target to client. */
        BACKWARD,
        /** Both ways. */
        BOTH;

        boolean covers(Direction one) {
            return this == BOTH || this == one;
        }
    }

    /**
     * A snapshot of a proxy's counters.
     *
     * @param accepted         connections accepted since start
     * @param open             connections now open (joined to the target or held)
     * @param held             of those, connections not (yet) joined to the target: held by a two-way cut, or dialling
     * @param bytesForward     bytes written to the target
     * @param bytesBackward    bytes written back to clients
     * @param resetByDrop      connections reset by {@link #dropProbability(double)}
     * @param resetByCut       connections reset by a two-way cut
     * @param upstreamFailures connections whose dial to the target failed (then reset)
     */
    public record Stats(long accepted, int open, int held, long bytesForward, long bytesBackward, long resetByDrop,
                        long resetByCut, long upstreamFailures) {}

    static final int CHUNK_BYTES = 16 * 1024;
    static final int QUEUE_CHUNKS = 64;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private enum Reason { DROP, CUT, ERROR, CLOSE }

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final SplittableRandom random;
    private final Thread acceptor;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every change of cuts, on heal, on close and when a connection ends. */
    private final Condition changed = lock.newCondition();
    private boolean forwardCut; // guarded by lock
    private boolean backwardCut; // guarded by lock
    private boolean closed; // guarded by lock
    private volatile long delayNanos;
    private volatile double dropProbability;

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextConnection = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytesForward = new AtomicLong();
    private final AtomicLong bytesBackward = new AtomicLong();
    private final AtomicLong resetByDrop = new AtomicLong();
    private final AtomicLong resetByCut = new AtomicLong();
    private final AtomicLong upstreamFailures = new AtomicLong();

    private LinkProxy(String name, InetSocketAddress target, int listenPort, long seed) throws IOException {
        this.name = Objects.requireNonNull(name);
        this.target = Objects.requireNonNull(target);
        this.random = new SplittableRandom(seed);
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listenPort), 128);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        this.server = socket;
        this.acceptor = Thread.ofVirtual().name("proxy-" + name + "-accept").unstarted(this::acceptLoop);
    }

    /** A proxy on an ephemeral port with seed 0. */
    public static LinkProxy start(String name, InetSocketAddress target) {
        return start(name, target, 0, 0);
    }

    /**
     * Starts a proxy listening on 127.0.0.1:{@code listenPort} (0: ephemeral) that forwards to
     * {@code target}.
     *
     * @param seed seeds the draws of {@link #dropProbability(double)}
     */
    public static LinkProxy start(String name, InetSocketAddress target, int listenPort, long seed) {
        try {
            LinkProxy proxy = new LinkProxy(name, target, listenPort, seed);
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + listenPort + " for proxy " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public InetSocketAddress target() {
        return target;
    }

    /** The port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}: where the client should dial instead of the target. */
    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), port());
    }

    /**
     * Stops the traffic in a direction (see the class documentation). Cuts add up: {@code FORWARD} then
     * {@code BACKWARD} is {@code BOTH}, with the same effect on open connections.
     */
    public void cut(Direction direction) {
        List<Connection> toReset;
        lock.lock();
        try {
            if (direction.covers(Direction.FORWARD)) {
                forwardCut = true;
            }
            if (direction.covers(Direction.BACKWARD)) {
                backwardCut = true;
            }
            toReset = forwardCut && backwardCut
                    ? connections.stream().filter(c -> c.joined).toList()
                    : List.of();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        toReset.forEach(c -> c.reset(Reason.CUT));
    }

    /** Heals every cut; held bytes and held connections go on. */
    public void heal() {
        heal(Direction.BOTH);
    }

    /** Heals the cut of one direction (or both). */
    public void heal(Direction direction) {
        lock.lock();
        try {
            if (direction.covers(Direction.FORWARD)) {
                forwardCut = false;
            }
            if (direction.covers(Direction.BACKWARD)) {
                backwardCut = false;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the direction is cut ({@code BOTH}: both are). */
    public boolean isCut(Direction direction) {
        lock.lock();
        try {
            return switch (direction) {
                case FORWARD -> forwardCut;
                case BACKWARD -> backwardCut;
                case BOTH -> forwardCut && backwardCut;
            };
        } finally {
            lock.unlock();
        }
    }

    /** Delays every chunk read from now on by {@code delay}, in each direction; zero for none. */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        delayNanos = delay.toNanos();
    }

    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** The probability, per chunk read, of resetting the connection (see the class documentation). */
    public void dropProbability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability " + probability + " outside [0, 1]");
        }
        dropProbability = probability;
    }

    public double dropProbability() {
        return dropProbability;
    }

    /** Bytes delivered in a direction ({@code BOTH}: the sum). */
    public long bytesForwarded(Direction direction) {
        return switch (direction) {
            case FORWARD -> bytesForward.get();
            case BACKWARD -> bytesBackward.get();
            case BOTH -> bytesForward.get() + bytesBackward.get();
        };
    }

    public Stats stats() {
        int open = 0;
        int held = 0;
        for (Connection c : connections) {
            open++;
            if (!c.joined) {
                held++;
            }
        }
        return new Stats(accepted.get(), open, held, bytesForward.get(), bytesBackward.get(), resetByDrop.get(),
                resetByCut.get(), upstreamFailures.get());
    }

    /** Stops listening and resets every connection. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : connections) {
            c.reset(Reason.CLOSE);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LinkProxy[" + name + " " + hostPort() + " -> " + target.getHostString() + ":" + target.getPort() + "]";
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (isClosed() || server.isClosed()) {
                    return;
                }
                sleepQuietly(10); // e.g. out of file descriptors: do not spin
                continue;
            }
            accepted.incrementAndGet();
            Connection connection = new Connection(nextConnection.getAndIncrement(), client);
            boolean open;
            lock.lock();
            try {
                open = !closed;
                if (open) {
                    connections.add(connection);
                }
            } finally {
                lock.unlock();
            }
            if (!open) {
                resetQuietly(client);
                return;
            }
            connection.spawn("dial", connection::dial);
        }
    }

    private boolean shouldDrop() {
        double p = dropProbability;
        if (p <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // close with RST
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Chunk(byte[] bytes, long deliverAt) {
        boolean endOfStream() {
            return bytes == null;
        }
    }

    /** One accepted connection: held, then joined to the target, then ended. */
    private final class Connection {
        private final long id;
        private final Socket client;
        private volatile Socket upstream;
        /** Joined to the target (pipes running); false while held. Written under lock. */
        private volatile boolean joined;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicInteger endsOfStream = new AtomicInteger();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        Connection(long id, Socket client) {
            this.id = id;
            this.client = client;
        }

        void spawn(String role, Runnable body) {
            Thread thread = Thread.ofVirtual().name("proxy-" + name + "-" + id + "-" + role).unstarted(body);
            threads.add(thread);
            thread.start();
        }

        /** Waits out a two-way cut, dials the target, and starts the pipes. */
        void dial() {
            try {
                client.setTcpNoDelay(true);
                lock.lock();
                try {
                    while (forwardCut && backwardCut && !closed && !ended.get()) {
                        changed.awaitNanos(POLL_NANOS);
                    }
                    if (closed || ended.get()) {
                        reset(Reason.CLOSE);
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                Socket up = new Socket();
                upstream = up;
                try {
                    up.setTcpNoDelay(true);
                    up.connect(target, CONNECT_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    if (!ended.get()) {
                        upstreamFailures.incrementAndGet();
                    }
                    reset(Reason.ERROR);
                    return;
                }
                boolean cutMeanwhile;
                lock.lock();
                try {
                    cutMeanwhile = forwardCut && backwardCut;
                    if (!cutMeanwhile) {
                        joined = true;
                    }
                } finally {
                    lock.unlock();
                }
                if (cutMeanwhile) {
                    reset(Reason.CUT);
                    return;
                }
                Pipe forward = new Pipe(Direction.FORWARD, client, up, bytesForward);
                Pipe backward = new Pipe(Direction.BACKWARD, up, client, bytesBackward);
                spawn("fwd-write", forward::write);
                spawn("bwd-write", backward::write);
                spawn("bwd-read", backward::read);
                forward.read(); // on this thread
            } catch (IOException e) {
                reset(Reason.ERROR);
            } catch (InterruptedException e) {
                reset(Reason.CLOSE);
            }
        }

        /** Resets both sides (RST), once. */
        void reset(Reason reason) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            switch (reason) {
                case DROP -> resetByDrop.incrementAndGet();
                case CUT -> resetByCut.incrementAndGet();
                case ERROR, CLOSE -> { }
            }
            end();
            resetQuietly(client);
            Socket up = upstream;
            if (up != null) {
                resetQuietly(up);
            }
            for (Thread t : threads) {
                if (t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }

        /** Called by a writer that delivered its end of stream; the second one closes gracefully. */
        void endOfStreamDelivered() {
            if (endsOfStream.incrementAndGet() == 2 && ended.compareAndSet(false, true)) {
                end();
                closeQuietly(client);
                Socket up = upstream;
                if (up != null) {
                    closeQuietly(up);
                }
            }
        }

        private void end() {
            connections.remove(this);
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** One direction of a joined connection: a reader that queues chunks, a writer that delivers them. */
        private final class Pipe {
            private final Direction direction;
            private final Socket from;
            private final Socket to;
            private final AtomicLong delivered;
            private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);

            Pipe(Direction direction, Socket from, Socket to, AtomicLong delivered) {
                this.direction = direction;
                this.from = from;
                this.to = to;
                this.delivered = delivered;
            }

            void read() {
                byte[] buffer = new byte[CHUNK_BYTES];
                try {
                    InputStream in = from.getInputStream();
                    while (!ended.get()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            enqueue(new Chunk(null, System.nanoTime() + delayNanos));
                            return;
                        }
                        if (shouldDrop()) {
                            reset(Reason.DROP);
                            return;
                        }
                        enqueue(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                    }
                } catch (IOException e) {
                    reset(Reason.ERROR);
                } catch (InterruptedException e) {
                    reset(Reason.CLOSE);
                }
            }

            private void enqueue(Chunk chunk) throws InterruptedException {
                while (!ended.get()) {
                    if (queue.offer(chunk, POLL_NANOS, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
            }

            void write() {
                try {
                    OutputStream out = to.getOutputStream();
                    while (!ended.get()) {
                        Chunk chunk = queue.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
                        if (chunk == null) {
                            continue;
                        }
                        if (!awaitDeliverable(chunk.deliverAt())) {
                            return;
                        }
                        if (chunk.endOfStream()) {
                            try {
                                to.shutdownOutput();
                            } catch (IOException ignored) {
                                // the other side is gone already; its reader will notice
                            }
                            endOfStreamDelivered();
                            return;
                        }
                        out.write(chunk.bytes());
                        out.flush();
                        delivered.addAndGet(chunk.bytes().length);
                    }
                } catch (IOException e) {
                    reset(Reason.ERROR);
                } catch (InterruptedException e) {
                    reset(Reason.CLOSE);
                }
            }

            /** Waits until the direction is not cut and the chunk is due; false if the connection ended. */
            private boolean awaitDeliverable(long deliverAt) throws InterruptedException {
                lock.lock();
                try {
                    while (true) {
                        if (ended.get()) {
                            return false;
                        }
                        boolean cut = direction == Direction.FORWARD ? forwardCut : backwardCut;
                        long wait = cut ? POLL_NANOS : deliverAt - System.nanoTime();
                        if (wait <= 0) {
                            return true;
                        }
                        changed.awaitNanos(Math.min(wait, POLL_NANOS));
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
