package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import org.junit.jupiter.api.Test;

/**
 * The packaged node, killed by a test halt point right after a sink took an effect and before the
 * acknowledgement was proposed: after a restart the effect is delivered again, and the journal,
 * which deduplicates by effect id, still holds each effect once. Also: the admin endpoints of a
 * node in production mode need the admin token.
 */
class HaltPointIT {
    /** These packaged nodes run without PostgreSQL: the bank's statements go to the effect journal. */
    static final String JOURNAL_STATEMENTS = "chronon.effects.\"statements\".sink";
    /** … and without RabbitMQ: its transfer messages too. */
    static final String JOURNAL_TRANSFERS = "chronon.effects.\"transfers\".sink";
    private static final String TOKEN = "halt-point-test-token";
    private static final int HALT_EXIT_STATUS = 86;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(NodeProcess node, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(node.uri(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> outbox(NodeProcess node, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.uri("/chronon/outbox")).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> journalIds(Path dataDir) throws IOException {
        return Files.readAllLines(dataDir.resolve("effects.journal")).stream()
                .map(line -> line.split(" ")[1]).toList();
    }

    @Test
    void anEffectTakenByItsSinkBeforeACrashIsDeliveredAgainAndJournaledOnce() throws Exception {
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged node is missing: " + jar);
        Path dataDir = Files.createTempDirectory("chronon-halt-point");
        int port = Ports.free();
        NodeSpec halting = NodeSpec.builder("halt-point").jar(jar).httpPort(port).dataDir(dataDir)
                .systemProperty("chronon.admin-token", TOKEN)
                .systemProperty(JOURNAL_STATEMENTS, "journal").systemProperty(JOURNAL_TRANSFERS, "journal")
                .systemProperty("chronon.test.halt-points", "AFTER_SINK_COMMIT_BEFORE_ACK")
                .logFile(ItLogs.freshFile("halt-point")).build();
        try (NodeProcess node = NodeProcess.start(halting)) {
            node.awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
            assertEquals(200, post(node, "/chronon/commands",
                    "{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":100}").statusCode());
            try {
                post(node, "/chronon/commands", "{\"type\":\"transfer\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":30}");
            } catch (IOException e) {
                // The answer may be lost when the process halts.
            }
            OptionalInt exit = waitForExit(node);
            assertEquals(OptionalInt.of(HALT_EXIT_STATUS), exit, () -> "the node did not stop at the halt point:\n"
                    + node.logTail(30));
            // Both sinks (statements, transfers) may have taken their effect before the first answer
            // reached the halt point; neither acknowledgement was proposed.
            int journaled = journalIds(dataDir).size();
            assertTrue(journaled >= 1 && journaled <= 2, "journaled before the halt: " + journaled);

            NodeSpec normal = halting.toBuilder().systemProperty("chronon.test.halt-points", "").build();
            try (NodeProcess restarted = NodeProcess.start(normal)) {
                restarted.awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
                assertEquals(401, outbox(restarted, null).statusCode(), "the outbox is an admin endpoint");
                assertEquals(401, outbox(restarted, "Bearer wrong").statusCode());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                JsonNode outbox = JSON.readTree(outbox(restarted, "Bearer " + TOKEN).body());
                while ((!outbox.get("effects").isEmpty() || outbox.get("acknowledged").size() < 2)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    outbox = JSON.readTree(outbox(restarted, "Bearer " + TOKEN).body());
                }
                assertEquals(0, outbox.get("effects").size(), "every effect was delivered and acknowledged: " + outbox);
                assertEquals(2, outbox.get("acknowledged").size(), outbox.toString());
                int suppressed = 0;
                for (JsonNode effect : outbox.get("acknowledged")) {
                    suppressed += effect.get("duplicatesSuppressed").asInt();
                    assertEquals("journal", effect.path("route").asText(),
                            "both kinds are routed to the journal here: " + effect);
                }
                assertEquals(journaled, suppressed,
                        "each effect the journal took before the halt was found there again: " + outbox);
                List<String> ids = journalIds(dataDir);
                assertEquals(2, ids.size(), "the transfer's statement and message, each once: " + ids);
                assertEquals(2, ids.stream().distinct().count());
                String balances = post(restarted, "/chronon/queries", "{\"type\":\"balances\"}").body();
                assertTrue(balances.contains("\"balances\":{\"alice\":70,\"bob\":30}"), balances);
            }
        }
    }

    private static OptionalInt waitForExit(NodeProcess node) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (node.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return node.exitValue();
    }
}
