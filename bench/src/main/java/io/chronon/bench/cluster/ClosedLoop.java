package io.chronon.bench.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closed loop: each of {@code clients} lanes sends a request of {@code batchSize} commands, and the next
 * one as soon as it is answered. Latency is from send to answer.
 */
final class ClosedLoop implements Load {
    /** After a failed request a lane waits this long, so a failing system is not hammered in a hot loop. */
    private static final long BACKOFF_MILLIS = 10;

    private final KeySpace keys = new KeySpace();
    private final int batchSize;
    private final Tally tally;
    private final Duration requestTimeout;
    private final CountDownLatch lanesStopped;
    private final ScheduledExecutorService backoff = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("closed-loop-backoff").factory());
    private volatile boolean stopping;
    private Drained drained;

    private ClosedLoop(int clients, int batchSize, Tally tally, Duration requestTimeout) {
        this.batchSize = batchSize;
        this.tally = tally;
        this.requestTimeout = requestTimeout;
        this.lanesStopped = new CountDownLatch(clients);
    }

    static ClosedLoop start(KvConnection connection, int clients, int batchSize, Tally tally, Duration requestTimeout) {
        ClosedLoop loop = new ClosedLoop(clients, batchSize, tally, requestTimeout);
        for (int i = 0; i < clients; i++) {
            loop.send(connection.newLane());
        }
        return loop;
    }

    private void send(Lane lane) {
        if (stopping) {
            lanesStopped.countDown();
            return;
        }
        List<String> batch = keys.next(batchSize);
        long sent = System.nanoTime();
        lane.put(batch).orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, failure) -> {
            if (failure == null) {
                tally.succeeded(batch.size(), System.nanoTime() - sent);
                send(lane);
            } else {
                tally.failed(failure);
                backoff.schedule(() -> send(lane), BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public synchronized Drained stopAndDrain(Duration patience) throws InterruptedException {
        if (drained == null) {
            stopping = true;
            lanesStopped.await(patience.toMillis(), TimeUnit.MILLISECONDS);
            backoff.shutdownNow();
            drained = new Drained(lanesStopped.getCount(), 0);
        }
        return drained;
    }
}
