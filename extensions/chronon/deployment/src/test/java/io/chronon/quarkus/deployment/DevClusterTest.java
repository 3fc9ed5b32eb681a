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
    void whenThePrimaryStopsAnotherTakesOverAndTheStoppedOneCatchesUpWhenItStarts() throws Exception {
        add(1).then().statusCode(200);
        int primary = given().get("/chronon/status").then().extract().path("nodeId");
        given().post("/chronon/dev/replicas/" + primary + "/stop").then().statusCode(204);
        given().post("/chronon/dev/replicas/" + primary + "/stop").then().statusCode(409);
        int total = add(10).then().statusCode(200).extract().path("result.total");
        given().get("/chronon/status").then().body("role", equalTo("PRIMARY"))
                .body("nodeId", org.hamcrest.Matchers.not(equalTo(primary)))
                .body("members[" + primary + "].healthy", equalTo(false));
        add(5).then().statusCode(200).body("result.total", equalTo(total + 5));

        given().post("/chronon/dev/replicas/" + primary + "/start").then().statusCode(204);
        int commit = given().get("/chronon/status").then().extract().path("commitIndex");
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<Integer> applied = List.of();
        while (System.nanoTime() < deadline) {
            applied = given().get("/chronon/dev/replicas").then().statusCode(200).extract().path("appliedIndex");
            if (applied.size() == 3 && applied.stream().allMatch(index -> index >= commit)) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(3, applied.size(), "all three replicas run again");
        assertTrue(applied.stream().allMatch(index -> index >= commit),
                "the restarted replica caught up with commit " + commit + ": " + applied);
    }

    @Test
    void verifyFindsThatTheOtherReplicasAgreeAndCallsAStoppedOneUnknown() throws Exception {
        add(4).then().statusCode(200);
        add(6).then().statusCode(200);
        int commit = given().get("/chronon/status").then().extract().path("commitIndex");
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<Integer> applied = List.of();
        while (System.nanoTime() < deadline && !(applied.size() == 3 && applied.stream().allMatch(i -> i >= commit))) {
            Thread.sleep(50);
            applied = given().get("/chronon/dev/replicas").then().statusCode(200).extract().path("appliedIndex");
        }
        given().get("/chronon/verify?to=" + commit).then().statusCode(200)
                .body("replica.chain", equalTo("intact")).body("to", equalTo(commit))
                .body("replicas", hasSize(2)).body("replicas.status", equalTo(List.of("agrees", "agrees")));
        int serving = given().get("/chronon/status").then().extract().path("nodeId");
        int other = serving == 0 ? 1 : 0;
        given().post("/chronon/dev/replicas/" + other + "/stop").then().statusCode(204);
        try {
            given().get("/chronon/verify?to=" + commit).then().statusCode(200)
                    .body("replicas.find { it.id == " + other + " }.status", equalTo("unknown"))
                    .body("replicas.find { it.id == " + other + " }.reason", org.hamcrest.Matchers.containsString("stopped"))
                    .body("replicas.findAll { it.id != " + other + " }.status", equalTo(List.of("agrees")));
        } finally {
            given().post("/chronon/dev/replicas/" + other + "/start").then().statusCode(204);
        }
    }

    @Test
    void threeReplicasInOneProcessReplicateEveryCommand() throws Exception {
        int before = add(0).then().statusCode(200).extract().path("result.total");
        add(2).then().statusCode(200).body("result.total", equalTo(before + 2));
        add(3).then().statusCode(200).body("result.total", equalTo(before + 5));
        given().get("/chronon/status").then().statusCode(200).body("role", equalTo("PRIMARY"))
                .body("members", hasSize(3)).body("members.healthy", equalTo(List.of(true, true, true)));
        // The test class is loaded twice (by JUnit and by Quarkus): ask the configuration for the path.
        String data = ConfigProvider.getConfig().getValue("chronon.data-dir", String.class);
        for (int id = 0; id < 3; id++) {
            Path log = Path.of(data, "node-" + id, "log-0000000000000000.seg");
            assertTrue(Files.exists(log), "replica " + id + " has its own log");
        }
        int commit = given().get("/chronon/status").then().extract().path("commitIndex");
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Integer> applied = List.of();
        while (System.nanoTime() < deadline) {
            applied = given().get("/chronon/dev/replicas").then().extract().path("appliedIndex");
            if (applied.stream().allMatch(index -> index >= commit)) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(List.of(commit, commit, commit), applied, "every replica applied every command");
    }
}
