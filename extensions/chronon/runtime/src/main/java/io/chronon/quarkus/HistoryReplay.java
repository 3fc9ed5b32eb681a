package io.chronon.quarkus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.chronon.kernel.Executor;

/**
 * Re-executes a range of the history with the application code running now and compares each
 * entry's applied-state digest with the one recorded when the entry was first applied (the outcome
 * journal): the first entry that differs is reported, with its recorded and current outcomes and
 * their difference field by field. Digests chain, so every entry after the first difference differs
 * too; only the first is worth naming. The live replica is not touched.
 */
public final class HistoryReplay {
    /** Entries replayed between two progress reports. */
    static final int WINDOW = 10_000;

    /** The first entry whose outcome (or resulting state) differs from the recorded history. */
    public record Divergence(long index, JsonNode recorded, JsonNode now, List<JsonDiff.Change> changes) {}

    /**
     * What a replay found: {@code compared} entries had a record to compare with (the journal is
     * recorded from this replica's first start; {@code recordedThrough} is the last index it holds in
     * the range, -1 if none), and the divergence, or null.
     */
    public record Report(long from, long to, long replayed, long compared, long recordedThrough, Divergence divergence) {}

    private HistoryReplay() {}

    static Report replay(HistoryIndex history, OutcomeJournal journal, ApplicationJson json, long from, long to,
                         Consumer<String> progress) {
        Map<Long, OutcomeJournal.Recorded> recorded = new HashMap<>();
        long recordedThrough = -1;
        for (OutcomeJournal.Recorded record : journal.recorded(from, to)) {
            recorded.put(record.index(), record);
            recordedThrough = Math.max(recordedThrough, record.index());
        }
        long replayed = 0;
        long compared = 0;
        for (long start = from; start <= to; start += WINDOW) {
            long end = Math.min(to, start + WINDOW - 1);
            for (Executor.Result result : history.results(start, end)) {
                replayed++;
                OutcomeJournal.Recorded record = recorded.get(result.index());
                if (record == null) {
                    continue;
                }
                compared++;
                if (!record.digest().equals(result.digest())) {
                    JsonNode before = json.outcome(record.outcome());
                    JsonNode now = json.outcome(result.outcome());
                    return new Report(from, to, replayed, compared, recordedThrough,
                            new Divergence(result.index(), before, now, JsonDiff.diff(before, now)));
                }
            }
            if (to - from + 1 > WINDOW) {
                progress.accept("replayed " + (end - from + 1) + " of " + (to - from + 1) + " entries");
            }
        }
        return new Report(from, to, replayed, compared, recordedThrough, null);
    }
}
