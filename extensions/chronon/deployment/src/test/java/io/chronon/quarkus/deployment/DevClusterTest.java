package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.restassured.response.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code chronon.dev.replicas=3}: three replicas in one process, each with its own data directory,
 * elect a primary and replicate every command to all three logs.
 */
class DevClusterTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.dev.replicas", "3");

    /** Retries while the replicas elect their first primary (503). */
    private static Response add(long amount) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Response response = given().body("{\"amount\":" + amount + "}").post("/chronon/commands");
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void threeReplicasInOneProcessReplicateEveryCommand() throws Exception {
        add(2).then().statusCode(200).body("result.total", equalTo(2));
        add(3).then().statusCode(200).body("result.total", equalTo(5));
        given().get("/chronon/status").then().statusCode(200).body("role", equalTo("PRIMARY"))
                .body("members", hasSize(3)).body("members.healthy", equalTo(List.of(true, true, true)));
        // The test class is loaded twice (by JUnit and by Quarkus): ask the configuration for the path.
        String data = ConfigProvider.getConfig().getValue("chronon.data-dir", String.class);
        for (int id = 0; id < 3; id++) {
            Path log = Path.of(data, "node-" + id, "log-0000000000000000.seg");
            assertTrue(Files.exists(log), "replica " + id + " has its own log");
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        int applied = -1;
        while (System.nanoTime() < deadline && applied < 1) {
            applied = given().get("/chronon/status").then().extract().path("appliedIndex");
        }
        assertEquals(1, applied);
    }
}
