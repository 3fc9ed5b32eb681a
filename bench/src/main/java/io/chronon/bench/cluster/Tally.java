package io.chronon.bench.cluster;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the clients of one run observed, safe to update from any thread: latency of each successful
 * request (HdrHistogram, nanoseconds, 3 significant digits), acknowledged commands and requests, errors
 * and timeouts, and the first few error messages for the report.
 */
final class Tally {
    private static final int ERROR_SAMPLES = 5;

    private final Recorder latencies = new Recorder(3);
    private final LongAdder commands = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampled = new AtomicInteger();

    void succeeded(int commandCount, long latencyNanos) {
        latencies.recordValue(Math.max(1, latencyNanos));
        commands.add(commandCount);
        requests.increment();
    }

    void failed(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            timeouts.increment();
            return;
        }
        errors.increment();
        if (sampled.getAndIncrement() < ERROR_SAMPLES) {
            errorSamples.add(cause.toString());
        }
    }

    /** Counts so far (they only grow). */
    Counts counts() {
        return new Counts(commands.sum(), requests.sum(), errors.sum(), timeouts.sum());
    }

    /** The latencies recorded since the last call (the first call: since the start), and a fresh interval. */
    Histogram latenciesSinceLastCall() {
        return latencies.getIntervalHistogram();
    }

    List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Cumulative counts; subtract two to get a window. */
    record Counts(long commands, long requests, long errors, long timeouts) {
        Counts minus(Counts earlier) {
            return new Counts(commands - earlier.commands, requests - earlier.requests, errors - earlier.errors,
                    timeouts - earlier.timeouts);
        }

        /** Requests whose outcome the client does not know: they may or may not have committed. */
        long unknownOutcomes() {
            return errors + timeouts;
        }
    }
}
