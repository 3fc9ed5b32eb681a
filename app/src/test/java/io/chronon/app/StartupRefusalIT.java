package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import org.junit.jupiter.api.Test;

/**
 * The packaged node refuses to start, saying why, when its configuration cannot work: a cluster of
 * several replicas without a secret in production, members that differ from those its data
 * directory was created with, and, in production, a route to PostgreSQL without a datasource (dev
 * and test mode fall back to the journal instead).
 */
class StartupRefusalIT {
    private static Path jar() {
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged node is missing: " + jar);
        return jar;
    }

    /** Starts the node and waits for it to exit; returns its log. */
    private static String refusedStart(NodeSpec spec) throws InterruptedException {
        try (NodeProcess node = NodeProcess.start(spec)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (node.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!node.isAlive(), "the node should have refused to start:\n" + node.logTail(20));
            assertTrue(node.exitValue().orElse(0) != 0, "a refusal exits with a failure status");
            return node.logTail(200);
        }
    }

    @Test
    void aClusterWithoutASecretIsRefusedOutsideDevAndTest() throws Exception {
        int[] ports = Ports.free(3);
        NodeSpec spec = NodeSpec.builder("no-secret").jar(jar()).httpPort(ports[0])
                .dataDir(Files.createTempDirectory("chronon-no-secret")).nodeId(0)
                .systemProperty(HaltPointIT.JOURNAL_STATEMENTS, "journal")
                .systemProperty(HaltPointIT.JOURNAL_TRANSFERS, "journal")
                .members("127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2])
                .logFile(ItLogs.freshFile("no-secret")).build();
        String log = refusedStart(spec);
        assertTrue(log.contains("chronon.cluster-secret is not set"), log);
    }

    @Test
    void aRouteToPostgresqlWithoutADatasourceIsRefusedInProduction() throws Exception {
        // The packaged node's own routing: statements -> postgresql (application.properties), which
        // configures no datasource URL; an inherited QUARKUS_DATASOURCE_REACTIVE_URL is blanked (an
        // empty value is no value). Transfers go to the journal, so only the statements route matters.
        NodeSpec spec = NodeSpec.builder("no-datasource").jar(jar()).httpPort(Ports.free())
                .dataDir(Files.createTempDirectory("chronon-no-datasource"))
                .systemProperty("quarkus.profile", "prod")
                .systemProperty(HaltPointIT.JOURNAL_STATEMENTS, "postgresql")
                .systemProperty(HaltPointIT.JOURNAL_TRANSFERS, "journal")
                .env("QUARKUS_DATASOURCE_REACTIVE_URL", "")
                .logFile(ItLogs.freshFile("no-datasource")).build();
        String log = refusedStart(spec);
        assertTrue(log.contains("chronon.effects.\"statements\".sink=postgresql, but no PostgreSQL is configured"
                + " (quarkus.datasource.reactive.url, or QUARKUS_DATASOURCE_REACTIVE_URL)"), log);
        assertTrue(!log.contains("go to the effect journal"), "no fallback to the journal in production: " + log);
    }

    @Test
    void membersOtherThanTheDataDirectorysAreRefused() throws Exception {
        Path data = Files.createTempDirectory("chronon-members-changed");
        int[] ports = Ports.free(3);
        NodeSpec alone = NodeSpec.builder("alone").jar(jar()).httpPort(ports[0]).dataDir(data)
                .systemProperty(HaltPointIT.JOURNAL_STATEMENTS, "journal")
                .systemProperty(HaltPointIT.JOURNAL_TRANSFERS, "journal")
                .logFile(ItLogs.freshFile("members-changed")).build();
        try (NodeProcess node = NodeProcess.start(alone)) {
            node.awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        }
        NodeSpec grown = alone.toBuilder().nodeId(0)
                .members("127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2])
                .systemProperty("chronon.cluster-secret", "members-changed-secret").build();
        String log = refusedStart(grown);
        assertTrue(log.contains("membership change"), log);
    }
}
