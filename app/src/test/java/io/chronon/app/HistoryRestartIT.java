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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Time travel survives a crash: a packaged node with small log segments, frequent snapshots and
 * compaction is killed (SIGKILL) and started again; after it indexed its retained history in the
 * background, every index answers the same state as before the crash, including indices below the
 * snapshot it restarted from.
 */
class HistoryRestartIT {
    private static final String TOKEN = "history-restart-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private NodeProcess node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(node.uri(path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code GET /chronon/operations} lists the history indexing of this start as done. */
    private static boolean historyIndexed(String operations) throws IOException {
        for (JsonNode operation : JSON.readTree(operations).path("operations")) {
            if (operation.path("kind").asText().equals("history indexing")
                    && operation.path("state").asText().equals("DONE")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The earliest retained index once it stops moving. The transfers' effects are acknowledged by
     * entries of their own after the commands, and the snapshots and compaction those cause move the
     * start of the history: read while that goes on, an index can be compacted away between two reads
     * (a CI run saw 299 go while the test read the states after it).
     */
    private long settledEarliest() throws Exception {
        long previous = -1;
        for (int attempt = 0; attempt < 60; attempt++) {
            HttpResponse<String> gone = get("/chronon/state?at=0");
            boolean drained = JSON.readTree(get("/chronon/outbox").body()).path("effects").isEmpty();
            if (gone.statusCode() == 410) {
                long earliest = LocalCluster.number(gone.body(), "earliest");
                if (drained && earliest == previous) {
                    return earliest;
                }
                previous = earliest;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("the log was not compacted, or its start kept moving, for a minute");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(node.uri(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRetainedStateIsTheSameAfterACrashAndRestart() throws Exception {
        long seed = Long.getLong("chronon.test.seed", new Random().nextLong());
        System.out.println("HistoryRestartIT seed " + seed + " (again: -Dchronon.test.seed=" + seed + ")");
        Random random = new Random(seed);
        NodeSpec spec = NodeSpec.builder("history-restart").jar(Path.of(System.getProperty("chronon.node.jar")))
                .httpPort(Ports.free()).dataDir(Files.createTempDirectory("chronon-history-restart"))
                .systemProperty("chronon.admin-token", TOKEN)
                .systemProperty(HaltPointIT.JOURNAL_STATEMENTS, "journal")
                .systemProperty(HaltPointIT.JOURNAL_TRANSFERS, "journal")
                .systemProperty("chronon.snapshot.every-entries", "50")
                .systemProperty("chronon.history.retain-entries", "200")
                .systemProperty("chronon.history.checkpoint-every", "16")
                .systemProperty("chronon.log.segment-bytes", "65536")
                .systemProperty("chronon.max-command-bytes", "16000")
                .logFile(ItLogs.freshFile("history-restart")).build();
        node = NodeProcess.start(spec);
        node.awaitHttp("/q/health/ready", 200, Duration.ofSeconds(60));
        long last = -1;
        for (int i = 0; i < 300; i++) {
            String from = "r" + random.nextInt(4);
            String body = random.nextBoolean()
                    ? LocalCluster.deposit(from, 1 + random.nextInt(40))
                    : LocalCluster.transfer(from, "r" + ((from.charAt(1) - '0' + 1) % 4), 1 + random.nextInt(40));
            HttpResponse<String> answer = post("/chronon/commands", body);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 422, answer.body());
            last = LocalCluster.number(answer.body(), "index");
        }
        long earliest = settledEarliest();
        Map<Long, String> before = new LinkedHashMap<>();
        for (long index = earliest; index <= last; index += 1 + random.nextInt(7)) {
            HttpResponse<String> state = get("/chronon/state?at=" + index);
            assertEquals(200, state.statusCode(), state.body());
            before.put(index, state.body());
        }

        node.kill();
        node.start();
        node.awaitHttp("/q/health/ready", 200, Duration.ofSeconds(60));
        // Asked of the restarted process itself (its long operations are kept in memory), not of its log,
        // which also holds the first start's lines.
        LocalCluster.awaitTrue(() -> historyIndexed(get("/chronon/operations").body()),
                new java.util.concurrent.ConcurrentLinkedQueue<>(), "the history below the restart state indexed");
        for (Map.Entry<Long, String> state : before.entrySet()) {
            HttpResponse<String> after = get("/chronon/state?at=" + state.getKey());
            assertEquals(200, after.statusCode(), "index " + state.getKey() + ": " + after.body());
            assertEquals(state.getValue(), after.body(), "index " + state.getKey() + " (seed " + seed + ")");
        }
    }
}
