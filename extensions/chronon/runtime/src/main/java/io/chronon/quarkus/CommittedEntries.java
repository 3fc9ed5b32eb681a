package io.chronon.quarkus;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.engine.Entry;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.kernel.Outcome;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * Committed entries as they are applied, for {@code GET /chronon/watch}: each entry once, in index
 * order, whichever replica of this process applied it first. Nothing is rendered while nobody
 * watches, so the replica's loop pays for the feature only when it is used. A watcher that falls
 * more than {@value #BUFFERED} entries behind is cut off (and reconnects): the loop never waits for it.
 */
@Singleton
public class CommittedEntries {
    static final int BUFFERED = 10_000;

    private final BroadcastProcessor<ObjectNode> processor = BroadcastProcessor.create();
    private final AtomicInteger watchers = new AtomicInteger();
    private long lastPublished = -1;

    /** Every committed entry applied from now on. */
    public Multi<ObjectNode> watch() {
        return processor.onSubscription().invoke(watchers::incrementAndGet)
                .onTermination().invoke(watchers::decrementAndGet)
                .onOverflow().buffer(BUFFERED);
    }

    /** Called on a replica's loop thread after it applied an entry (replays included). */
    void applied(Executor.Result result, ApplicationJson json) {
        if (watchers.get() == 0) {
            return;
        }
        synchronized (this) {
            if (result.index() <= lastPublished) {
                return;
            }
            lastPublished = result.index();
            processor.onNext(render(result, json));
        }
    }

    /**
     * One applied entry as JSON, for the watch stream and {@code GET /chronon/log}: index, view,
     * consensus timestamp, hashes, the client's session (null without one), the decoded command (null
     * for a kernel entry, which says what kind it is in {@code kernel}) and its outcome, the effects it
     * produced and what caused it.
     */
    public static ObjectNode render(Executor.Result result, ApplicationJson json) {
        Entry entry = result.entry();
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("index", entry.index()).put("view", entry.view())
                .put("timestamp", entry.timestamp()).put("hash", entry.hash().toHex())
                .put("previousHash", entry.previousHash().toHex());
        // Every field is always present (null where it does not apply), so that a reader can rely on the shape.
        if (entry.client().equals(Entry.NO_CLIENT)) {
            event.putNull("clientId").putNull("requestNumber");
        } else {
            event.put("clientId", entry.client().toString()).put("requestNumber", entry.requestNumber());
        }
        byte[] payload = entry.payload();
        if (payload.length > 0 && payload[0] == Envelope.COMMAND) {
            byte[] command = new byte[payload.length - 1];
            System.arraycopy(payload, 1, command, 0, command.length);
            try {
                event.set("command", json.commandJson(command));
            } catch (RuntimeException undecodable) {
                event.put("command", "(" + command.length + " bytes the current code cannot decode)");
            }
            event.set("outcome", json.outcome(result.outcome()));
        } else {
            event.putNull("command");
            event.put("kernel", switch (payload.length == 0 ? 0 : payload[0]) {
                case Envelope.EFFECT_DONE -> "effect done";
                case Envelope.EFFECT_FAILED -> "effect failed";
                case Envelope.EFFECT_RETRY -> "effect retried";
                default -> "other";
            });
            // A kernel entry applied as it should has no result of the application's to show.
            event.set("outcome", result.outcome() instanceof Outcome.Completed
                    ? JsonNodeFactory.instance.objectNode().putNull("result") : json.outcome(result.outcome()));
        }
        if (result.duplicate()) {
            event.put("duplicate", true);
        }
        ObjectNode causedBy = event.putObject("causedBy");
        if (!entry.client().equals(Entry.NO_CLIENT)) {
            causedBy.put("clientId", entry.client().toString()).put("requestNumber", entry.requestNumber());
        } else if (result.acknowledged() != null) {
            Outbox.Pending effect = result.acknowledged().effect();
            causedBy.put("effect", effect.id().toString()).put("index", effect.index()).put("sink", effect.sink())
                    .put("duplicateSuppressed", result.acknowledged().duplicateSuppressed());
        } else if (payload.length >= 17 && payload[0] != Envelope.COMMAND) {
            causedBy.put("effect", Envelope.effectId(payload).toString());
        }
        ArrayNode effects = event.putArray("effects");
        for (Outbox.Pending effect : result.effects()) {
            effects.addObject().put("id", effect.id().toString()).put("sink", effect.sink());
        }
        return event;
    }
}
