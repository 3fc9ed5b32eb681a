package io.chronon.quarkus.peer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.chronon.vsr.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The peer transport's meters: messages by direction ({@code out}: handed to a peer's link;
 * {@code in}: accepted from a peer) and type (repair traffic is the
 * {@code RequestEntries}, {@code Entries} and snapshot messages), messages dropped because a link was
 * down or full, refused peers by reason, malformed frames, reconnects.
 */
public final class PeerCounters {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public PeerCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A message handed to the link to its peer (one dropped before that is counted as dropped instead). */
    void queued(Message message) {
        messages("out", message);
    }

    /** A message from a peer that passed every check and went to the replica. */
    void received(Message message) {
        messages("in", message);
    }

    private void messages(String direction, Message message) {
        counter("chronon.peer.messages", "protocol messages between replicas", "direction", direction, "type",
                message.getClass().getSimpleName()).increment();
    }

    void dropped(String why) {
        counter("chronon.peer.dropped", "messages not sent: the link was down or its queue full", "reason", why)
                .increment();
    }

    void refused(String reason) {
        counter("chronon.peer.refused", "peer connections refused", "reason", reason).increment();
    }

    void malformed() {
        counter("chronon.peer.malformed", "peer frames that failed their checks (dropped, stream closed)", null, null)
                .increment();
    }

    void reconnected() {
        counter("chronon.peer.connects", "outbound peer connections opened", null, null).increment();
    }

    /** How many refusals were counted for {@code reason} (tests and the status page). */
    public double refusals(String reason) {
        Counter counter = counters.get("chronon.peer.refused|reason|" + reason);
        return counter == null ? 0 : counter.count();
    }

    public double malformedFrames() {
        Counter counter = counters.get("chronon.peer.malformed");
        return counter == null ? 0 : counter.count();
    }

    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (int i = 0; i + 1 < tags.length; i += 2) {
            if (tags[i] != null) {
                key.append('|').append(tags[i]).append('|').append(tags[i + 1]);
            }
        }
        return counters.computeIfAbsent(key.toString(), ignored -> {
            Counter.Builder builder = Counter.builder(name).description(description);
            for (int i = 0; i + 1 < tags.length; i += 2) {
                if (tags[i] != null) {
                    builder.tag(tags[i], tags[i + 1]);
                }
            }
            return builder.register(registry);
        });
    }
}
