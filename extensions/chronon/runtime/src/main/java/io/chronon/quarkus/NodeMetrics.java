package io.chronon.quarkus;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The node's meters at {@code /q/metrics}: how long commands take to commit, how the log batches
 * them per barrier and how long a barrier takes, view changes, the outbox backlog by status, and
 * entries whose application threw.
 */
final class NodeMetrics {
    private final Timer commitLatency;
    private final DistributionSummary entriesPerBarrier;
    private final Timer barrierLatency;
    private final Counter viewChanges;
    private final Counter applyFailures;
    private final AtomicLong pendingEffects = new AtomicLong();
    private final AtomicLong failedEffects = new AtomicLong();

    NodeMetrics(MeterRegistry registry) {
        commitLatency = Timer.builder("chronon.command.commit").description(
                "from a command's arrival to its answer after commit and apply").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        entriesPerBarrier = DistributionSummary.builder("chronon.log.entries.per.barrier")
                .description("entries made durable by one barrier (group commit)").publishPercentileHistogram()
                .register(registry);
        barrierLatency = Timer.builder("chronon.log.barrier").description("appending a batch and its fsync")
                .publishPercentileHistogram().register(registry);
        viewChanges = Counter.builder("chronon.view.changes").description("views this replica entered")
                .register(registry);
        applyFailures = Counter.builder("chronon.apply.failures")
                .description("entries whose application threw (recorded as failed, state unchanged)").register(registry);
        Gauge.builder("chronon.outbox.effects", pendingEffects, AtomicLong::get).tag("status", "PENDING")
                .description("effects waiting for their sinks").register(registry);
        Gauge.builder("chronon.outbox.effects", failedEffects, AtomicLong::get).tag("status", "FAILED")
                .description("effects waiting for their sinks").register(registry);
    }

    void committed(long nanos) {
        commitLatency.record(Duration.ofNanos(nanos));
    }

    void barrier(int entries, long nanos) {
        entriesPerBarrier.record(entries);
        barrierLatency.record(Duration.ofNanos(nanos));
    }

    void viewChanged() {
        viewChanges.increment();
    }

    void applyFailed() {
        applyFailures.increment();
    }

    void outbox(long pending, long failed) {
        pendingEffects.set(pending);
        failedEffects.set(failed);
    }
}
