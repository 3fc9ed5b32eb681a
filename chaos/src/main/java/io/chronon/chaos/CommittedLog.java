package io.chronon.chaos;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A node's committed log as {@code GET /chronon/log} renders it, from its earliest retained entry. */
record CommittedLog(int node, List<JsonNode> entries) {
    private static final int PAGE = 1_000;

    CommittedLog {
        entries = List.copyOf(entries);
    }

    /** Every retained entry of {@code node} through index {@code through}. */
    static CommittedLog fetch(ChaosCluster cluster, int node, long through) {
        List<JsonNode> entries = new ArrayList<>();
        String path = "/chronon/log?limit=" + PAGE;
        while (true) {
            JsonNode page = cluster.get(node, path);
            if (page == null) {
                throw new IllegalStateException("n" + node + " did not answer " + path);
            }
            for (JsonNode entry : page.path("entries")) {
                if (entry.path("index").asLong() > through) {
                    return new CommittedLog(node, entries);
                }
                entries.add(entry);
            }
            if (page.path("next").isNull() || page.path("next").isMissingNode()) {
                return new CommittedLog(node, entries);
            }
            path = "/chronon/log?limit=" + PAGE + "&from=" + page.path("next").asLong();
        }
    }

    long firstIndex() {
        return entries.isEmpty() ? -1 : entries.getFirst().path("index").asLong();
    }

    /** The entry at {@code index}, or null if it is not in this log. */
    JsonNode at(long index) {
        long offset = index - firstIndex();
        return entries.isEmpty() || offset < 0 || offset >= entries.size() ? null : entries.get((int) offset);
    }
}
