package io.chronon.bench.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open loop: one request every {@code 1/rate} seconds on a fixed schedule, whatever the answers. Each
 * request goes out on an idle lane; when all {@code maxInFlight} lanes are busy it waits in a queue in
 * the generator. Latency is counted from the request's scheduled time, not from when it could be sent,
 * so a stalled system is charged for the whole stall (no coordinated omission).
 */
final class OpenLoop implements Load {
    private final KvConnection connection;
    private final long periodNanos;
    private final int maxInFlight;
    private final Tally tally;
    private final Duration requestTimeout;
    private final KeySpace keys = new KeySpace();
    private final Queue<Lane> idleLanes = new ConcurrentLinkedQueue<>();
    private final Queue<Long> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger lanes = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread scheduler;
    private volatile boolean stopping;
    private Drained drained;

    private OpenLoop(KvConnection connection, int ratePerSecond, int maxInFlight, Tally tally, Duration requestTimeout) {
        this.connection = connection;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        this.maxInFlight = maxInFlight;
        this.tally = tally;
        this.requestTimeout = requestTimeout;
        this.scheduler = Thread.ofPlatform().name("open-loop-scheduler").unstarted(this::schedule);
    }

    static OpenLoop start(KvConnection connection, int ratePerSecond, int maxInFlight, Tally tally,
                          Duration requestTimeout) {
        OpenLoop loop = new OpenLoop(connection, ratePerSecond, maxInFlight, tally, requestTimeout);
        loop.scheduler.start();
        return loop;
    }

    private void schedule() {
        long next = System.nanoTime();
        while (!stopping) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            waiting.add(next);
            dispatch();
            next += periodNanos;
        }
    }

    /** Pairs waiting requests with idle lanes (opening lanes up to the limit); safe from any thread. */
    private void dispatch() {
        while (!stopping && !waiting.isEmpty()) {
            Lane lane = idleLanes.poll();
            if (lane == null && lanes.getAndUpdate(n -> n < maxInFlight ? n + 1 : n) < maxInFlight) {
                lane = connection.newLane();
            }
            if (lane == null) {
                return; // every lane is busy: a completion dispatches again
            }
            Long scheduled = waiting.poll();
            if (scheduled == null) {
                idleLanes.add(lane);
                continue;
            }
            send(lane, scheduled);
        }
    }

    private void send(Lane lane, long scheduledNanos) {
        List<String> key = keys.next(1);
        inFlight.incrementAndGet();
        lane.put(key).orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, failure) -> {
            if (failure == null) {
                tally.succeeded(1, System.nanoTime() - scheduledNanos);
            } else {
                tally.failed(failure);
            }
            inFlight.decrementAndGet();
            idleLanes.add(lane);
            dispatch();
        });
    }

    @Override
    public synchronized Drained stopAndDrain(Duration patience) throws InterruptedException {
        if (drained == null) {
            stopping = true;
            scheduler.join();
            long deadline = System.nanoTime() + patience.toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            drained = new Drained(inFlight.get(), waiting.size());
        }
        return drained;
    }
}
