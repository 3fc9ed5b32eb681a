package io.chronon.quarkus.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the exactly-once sinks observed: deliveries skipped because the effect was already written
 * ({@code chronon.sink.duplicates.suppressed}), deliveries refused because a newer primary had
 * fenced the sink ({@code chronon.sink.fenced}) and transactions a sink gave up after starting them
 * ({@code chronon.sink.transactions.aborted}).
 */
public final class SinkCounters {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SinkCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    void duplicateSuppressed(String sink) {
        counter("chronon.sink.duplicates.suppressed", "deliveries of an effect the sink already held", sink)
                .increment();
    }

    void fenced(String sink) {
        counter("chronon.sink.fenced", "deliveries refused: a newer primary fenced the sink", sink).increment();
    }

    void aborted(String sink) {
        counter("chronon.sink.transactions.aborted", "sink transactions aborted after they began", sink).increment();
    }

    public double duplicatesSuppressed(String sink) {
        Counter counter = counters.get("chronon.sink.duplicates.suppressed|" + sink);
        return counter == null ? 0 : counter.count();
    }

    public double fencedDeliveries(String sink) {
        Counter counter = counters.get("chronon.sink.fenced|" + sink);
        return counter == null ? 0 : counter.count();
    }

    public double abortedTransactions(String sink) {
        Counter counter = counters.get("chronon.sink.transactions.aborted|" + sink);
        return counter == null ? 0 : counter.count();
    }

    private Counter counter(String name, String description, String sink) {
        return counters.computeIfAbsent(name + "|" + sink, ignored -> Counter.builder(name).description(description)
                .tag("sink", sink).register(registry));
    }
}
