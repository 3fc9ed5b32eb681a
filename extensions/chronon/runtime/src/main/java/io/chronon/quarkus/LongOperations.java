package io.chronon.quarkus;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * The node's long operations (a replay, an export, a bundle replay, the indexing of the history at
 * start) and how far each has got, for {@code GET /chronon/operations}: a caller waiting on a replay
 * of a million entries, or an operator wondering why time travel is not ready yet, can see progress
 * instead of a silent request. Every report is logged too. The {@value #FINISHED_KEPT} most recently
 * finished operations stay listed with their last report and how they ended.
 */
public final class LongOperations {
    static final int FINISHED_KEPT = 20;
    private static final Logger LOG = Logger.getLogger(LongOperations.class);

    /** Where an operation stands. */
    public enum State { RUNNING, DONE, FAILED }

    /** One operation as last reported; {@code finished} is null while it runs. */
    public record View(long id, String kind, String description, State state, String progress, Instant started,
                       Instant finished) {}

    private final Map<Long, View> running = new LinkedHashMap<>();
    private final Deque<View> finished = new ArrayDeque<>();
    private long nextId = 1;

    /** An operation under way: report progress with {@link #accept}, then end it with {@link #done} or {@link #failed}. */
    public final class Operation implements Consumer<String> {
        private final long id;

        private Operation(long id) {
            this.id = id;
        }

        @Override
        public void accept(String progress) {
            View view = update(id, progress, State.RUNNING);
            LOG.infof("%s %s: %s", view.kind(), view.description(), progress);
        }

        public void done(String outcome) {
            View view = update(id, outcome, State.DONE);
            LOG.infof("%s %s: %s", view.kind(), view.description(), outcome);
        }

        public void failed(Throwable error) {
            update(id, String.valueOf(error.getMessage()), State.FAILED);
        }
    }

    /** Starts listing an operation of {@code kind} (say "replay") on {@code description} (say "entries 0–999"). */
    public synchronized Operation begin(String kind, String description) {
        long id = nextId++;
        running.put(id, new View(id, kind, description, State.RUNNING, "started", Instant.now(), null));
        return new Operation(id);
    }

    /** Running operations first (oldest first), then the finished ones (newest first). */
    public synchronized List<View> list() {
        List<View> all = new ArrayList<>(running.values());
        all.addAll(finished);
        return all;
    }

    private synchronized View update(long id, String progress, State state) {
        View current = running.get(id);
        if (current == null) {
            throw new IllegalStateException("operation " + id + " already ended");
        }
        if (state == State.RUNNING) {
            View next = new View(id, current.kind(), current.description(), state, progress, current.started(), null);
            running.put(id, next);
            return next;
        }
        running.remove(id);
        View ended = new View(id, current.kind(), current.description(), state, progress, current.started(),
                Instant.now());
        finished.addFirst(ended);
        while (finished.size() > FINISHED_KEPT) {
            finished.removeLast();
        }
        return ended;
    }
}
