package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /chronon/verify} across three node processes: the primary replays a range of its log and
 * the other replicas, asked over the peer service with the cluster secret, answer their digests at
 * the same checkpoints: both agree. A killed replica is reported as unknown (unreachable), never as
 * agreeing.
 */
class VerifyClusterIT {
    private static final String TOKEN = "verify-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private JsonNode verify(int node, long to) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cluster.node(node).uri("/chronon/verify?to=" + to))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    @Test
    void theOtherReplicasAgreeAndAKilledOneIsUnknown() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("VerifyClusterIT seed " + seed);
        cluster = new LocalCluster("verify", seed, Map.of("chronon.admin-token", TOKEN,
                HaltPointIT.JOURNAL_STATEMENTS, "journal", HaltPointIT.JOURNAL_TRANSFERS, "journal")).startAll();
        List<Long> transfers = cluster.depositThenTransfer("verify-a", "verify-b", 10);
        long last = transfers.getLast();
        int primary = cluster.awaitPrimary();
        LocalCluster.awaitTrue(() -> {
            for (int node = 0; node < cluster.size(); node++) {
                if (LocalCluster.number(cluster.status(node), "appliedIndex") < last) {
                    return false;
                }
            }
            return true;
        }, new java.util.concurrent.ConcurrentLinkedQueue<>(), "every replica applied the transfers");

        JsonNode verdict = verify(primary, last);
        assertEquals("intact", verdict.at("/replica/chain").asText(), verdict.toString());
        assertEquals(2, verdict.get("replicas").size(), verdict.toString());
        for (JsonNode replica : verdict.get("replicas")) {
            assertEquals("agrees", replica.get("status").asText(), verdict.toString());
        }

        int killed = (primary + 1) % cluster.size();
        cluster.node(killed).kill();
        verdict = verify(primary, last);
        for (JsonNode replica : verdict.get("replicas")) {
            if (replica.get("id").asInt() == killed) {
                assertEquals("unknown", replica.get("status").asText(), verdict.toString());
                assertTrue(replica.get("reason").asText().contains("unreachable"), verdict.toString());
            } else {
                assertEquals("agrees", replica.get("status").asText(), verdict.toString());
            }
        }
    }
}
