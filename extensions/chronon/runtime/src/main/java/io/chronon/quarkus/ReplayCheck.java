package io.chronon.quarkus;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outcome;
import org.jboss.logging.Logger;

/**
 * Compares what the application produces now with the history recorded when the entries were first
 * applied, and records what is new. A restart (a live reload in dev mode) replays the log with the
 * code it runs now: if that code gives another outcome for an entry than the recorded one, the
 * first such entry is reported, with the difference field by field, and the recorded history from
 * there on is replaced by the new one. Within a replica the applied digests chain, so the first
 * difference is the only one worth naming.
 */
final class ReplayCheck {
    private static final Logger LOG = Logger.getLogger(ReplayCheck.class);

    /** The first entry whose outcome differs from the recorded history. */
    record Divergence(long index, String recorded, String now, List<JsonDiff.Change> changes) {
        String describe() {
            return "replaying the log with the current code gives another outcome for entry " + index
                    + " than the recorded history: recorded " + recorded + ", now " + now
                    + (changes.isEmpty() ? " (the same outcome: the effects it emits differ)" : "; changes: " + changes)
                    + ". Entries from there on are applied by the current code; the recorded history is replaced.";
        }
    }

    private final OutcomeJournal journal;
    private final ApplicationJson json;
    private OutcomeJournal.Recorded expected;
    private boolean comparing = true;
    private volatile Divergence divergence;

    ReplayCheck(OutcomeJournal journal, ApplicationJson json) {
        this.journal = journal;
        this.json = json;
    }

    /** The first divergence found, or null. */
    Divergence divergence() {
        return divergence;
    }

    /** Checks and records one applied entry (in index order, from the replay on and then live). */
    void applied(Executor.Result result) {
        long index = result.index();
        if (comparing) {
            while (expected == null || expected.index() < index) {
                expected = journal.next();
                if (expected == null) {
                    comparing = false;
                    break;
                }
            }
            if (comparing && expected.index() == index) {
                if (expected.digest().equals(result.digest())) {
                    return;
                }
                report(index, expected.outcome(), result.outcome());
                comparing = false;
                journal.truncateAt(index);
            } else if (comparing) {
                // The history has a gap here (entries recorded before a snapshot was installed): keep going.
                return;
            }
        }
        if (index > journal.lastIndex()) {
            journal.append(index, result.digest(), result.outcome());
        }
    }

    private void report(long index, Outcome recorded, Outcome now) {
        JsonNode before = json.outcome(recorded);
        JsonNode after = json.outcome(now);
        List<JsonDiff.Change> changes = JsonDiff.diff(before, after);
        divergence = new Divergence(index, before.toString(), after.toString(), changes);
        LOG.warn(divergence.describe());
    }
}
