package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static io.chronon.app.LocalCluster.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.LinkProxy;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL sink behind a link the test cuts (the machine's PostgreSQL itself is never touched):
 * while it is down the statement stays {@code PENDING} with growing attempts and the node stays
 * ready; when the link returns it is delivered. Past {@code chronon.outbox.max-attempts} an effect
 * becomes {@code FAILED}, and an operator's retry delivers it once the link is back.
 */
class SinkOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "sink-outage-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private LinkProxy proxy;
    private NodeProcess node;
    private String database;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            PostgresTestDatabase.drop(database);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(node.uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String outbox() throws Exception {
        return http.send(HttpRequest.newBuilder(node.uri("/chronon/outbox")).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The statement effect among those not yet acknowledged ("" if none). */
    private static String statementOf(String outbox) throws IOException {
        String unacknowledged = JSON.readTree(outbox).get("effects").toString();
        Matcher effect = Pattern.compile("\\{[^{}]*\"sink\":\"statements\"[^{}]*}").matcher(unacknowledged);
        return effect.find() ? effect.group() : "";
    }

    @Test
    void aStatementWaitsOutAnOutageThenFailsPastTheLimitAndAnOperatorRetryDeliversIt() throws Exception {
        database = PostgresTestDatabase.create();
        proxy = LinkProxy.start("postgres", new InetSocketAddress("127.0.0.1", 5432));
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        NodeSpec spec = NodeSpec.builder("sink-outage").jar(jar).httpPort(Ports.free())
                .dataDir(Files.createTempDirectory("chronon-sink-outage"))
                .systemProperty("quarkus.datasource.reactive.url", "postgresql://" + proxy.hostPort() + "/" + database)
                .systemProperty("quarkus.datasource.username", PostgresTestDatabase.USER)
                .systemProperty("chronon.admin-token", TOKEN)
                .systemProperty(HaltPointIT.JOURNAL_TRANSFERS, "journal")
                .systemProperty("chronon.outbox.max-attempts", "6")
                .systemProperty("chronon.outbox.delivery-timeout", "1s")
                .logFile(ItLogs.freshFile("sink-outage")).build();
        node = NodeProcess.start(spec);
        node.awaitHttp("/q/health/ready", 200, Duration.ofSeconds(60));
        assertEquals(200, post("/chronon/commands", LocalCluster.deposit("outage-a", 100)).statusCode());
        ConcurrentLinkedQueue<Throwable> none = new ConcurrentLinkedQueue<>();

        proxy.cut(LinkProxy.Direction.BOTH);
        long first = number(post("/chronon/commands", LocalCluster.transfer("outage-a", "outage-b", 5)).body(), "index");
        awaitTrue(() -> {
            String statement = statementOf(outbox());
            return number(statement, "attempts") >= 2 && statement.contains("\"status\":\"PENDING\"");
        }, none, "failed attempts, still pending, while PostgreSQL is cut: " + outbox());
        assertTrue(statementOf(outbox()).contains("\"route\":\"postgresql\""),
                "the outbox shows where the statement is routed: " + outbox());
        assertEquals(200, node.httpStatus("/q/health/ready", Duration.ofSeconds(5)), "the node stays ready");
        proxy.heal();
        awaitTrue(() -> PostgresTestDatabase.statementRows(database, first) == 2, none,
                "the statement delivered once PostgreSQL is back");
        awaitTrue(() -> statementOf(outbox()).isEmpty(), none, "the outbox drained");

        proxy.cut(LinkProxy.Direction.BOTH);
        long second = number(post("/chronon/commands", LocalCluster.transfer("outage-a", "outage-b", 6)).body(), "index");
        awaitTrue(() -> statementOf(outbox()).contains("\"status\":\"FAILED\""), none, "FAILED past the limit");
        String failed = statementOf(outbox());
        assertEquals(6, number(failed, "attempts"), failed);
        assertTrue(failed.contains("lastError"), failed);
        assertTrue(failed.contains("\"sink\":\"statements\",\"route\":\"postgresql\""), failed);
        assertEquals(0, PostgresTestDatabase.statementRows(database, second));
        proxy.heal();
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(failed);
        assertTrue(id.find(), failed);
        assertEquals(200, post("/chronon/outbox/" + id.group(1) + "/retry", "").statusCode());
        awaitTrue(() -> PostgresTestDatabase.statementRows(database, second) == 2, none,
                "the operator's retry delivered the statement");
    }
}
