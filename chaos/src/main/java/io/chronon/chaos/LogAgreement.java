package io.chronon.chaos;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The replicas agree on the committed prefix: every node has the same hash at the last committed
 * index (the hashes chain, so the whole prefix is equal), the fetched log chains entry to entry with
 * consensus time strictly increasing (a skewed clock must not make it go back), and the node's own
 * {@code /chronon/verify} finds its chain intact and every peer agreeing at the checkpoints.
 */
final class LogAgreement {
    static final String NAME = "log agreement";

    private LogAgreement() {
    }

    static CheckResult check(ChaosCluster cluster, CommittedLog log, long through) {
        List<String> hashes = new ArrayList<>();
        for (int node = 0; node < cluster.size(); node++) {
            JsonNode page = cluster.get(node, "/chronon/log?from=" + through + "&limit=1");
            JsonNode entry = page == null ? null : page.path("entries").path(0);
            if (entry == null || entry.path("index").asLong(-1) != through) {
                return CheckResult.anomaly(NAME, "n" + node + " cannot show its entry " + through);
            }
            hashes.add(entry.path("hash").asText());
        }
        if (hashes.stream().distinct().count() != 1) {
            return CheckResult.anomaly(NAME, "the replicas' hashes at index " + through + " differ: " + hashes);
        }
        CheckResult chain = chain(log);
        if (!chain.passed()) {
            return chain;
        }
        JsonNode verify = cluster.get(log.node(), "/chronon/verify?from=" + Math.max(log.firstIndex(), 0) + "&to=" + through);
        if (verify == null) {
            return CheckResult.anomaly(NAME, "n" + log.node() + " did not answer /chronon/verify");
        }
        if (!"intact".equals(verify.path("replica").path("chain").asText())) {
            return CheckResult.anomaly(NAME, "n" + log.node() + " finds its chain damaged: " + verify.path("replica"));
        }
        for (JsonNode replica : verify.path("replicas")) {
            if (!"agrees".equals(replica.path("status").asText())) {
                return CheckResult.anomaly(NAME, "replica " + replica.path("id").asText() + " does not agree: " + replica);
            }
        }
        return CheckResult.pass(NAME, cluster.size() + " replicas agree through index " + through + " (hash "
                + hashes.getFirst().substring(0, 12) + "…), " + verify.path("checkpoints").size() + " checkpoints verified");
    }

    /** Each entry names the previous one's hash, and consensus time strictly increases. */
    static CheckResult chain(CommittedLog log) {
        JsonNode previous = null;
        for (JsonNode entry : log.entries()) {
            if (previous != null) {
                if (entry.path("index").asLong() != previous.path("index").asLong() + 1) {
                    return CheckResult.anomaly(NAME, "the log skips from " + previous.path("index") + " to "
                            + entry.path("index"));
                }
                if (!entry.path("previousHash").asText().equals(previous.path("hash").asText())) {
                    return CheckResult.anomaly(NAME, "entry " + entry.path("index") + " does not chain to entry "
                            + previous.path("index"));
                }
                if (entry.path("timestamp").asLong() <= previous.path("timestamp").asLong()) {
                    return CheckResult.anomaly(NAME, "consensus time goes back at entry " + entry.path("index") + ": "
                            + previous.path("timestamp") + " then " + entry.path("timestamp"));
                }
            }
            previous = entry;
        }
        return CheckResult.pass(NAME, log.entries().size() + " entries chain with increasing consensus time");
    }
}
