package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code chronon.election-timeout} is the time the backups wait for a silent primary: with 3 s, a
 * stopped primary's view outlives it for at least 3 s (the backups keep it), and a new primary leads
 * well within twice that plus a view change.
 */
class ElectionTimeoutTest {
    private static final long TIMEOUT_MILLIS = 3_000;

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.dev.replicas", "3")
            .overrideConfigKey("chronon.election-timeout", TIMEOUT_MILLIS + "ms");

    @Test
    void backupsWaitTheConfiguredTimeoutBeforeTheyElectAnotherPrimary() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Response first;
        do {
            first = given().body("{\"amount\":1}").post("/chronon/commands");
            Thread.sleep(50);
        } while (first.statusCode() == 503 && System.nanoTime() < deadline);
        assertEquals(200, first.statusCode(), first.asString());
        int primary = given().get("/chronon/status").then().extract().path("nodeId");
        int view = given().get("/chronon/status").then().extract().path("view");

        given().post("/chronon/dev/replicas/" + primary + "/stop").then().statusCode(204);
        long stoppedAt = System.nanoTime();
        long electedAfterMillis = -1;
        while (System.nanoTime() - stoppedAt < 4 * TIMEOUT_MILLIS * 1_000_000L) {
            Response status = given().get("/chronon/status");
            int nowView = status.path("view");
            if (nowView > view && "PRIMARY".equals(status.path("role"))) {
                electedAfterMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
                assertNotEquals(primary, (int) status.path("nodeId"));
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(electedAfterMillis >= TIMEOUT_MILLIS - 100,
                "a new primary after " + electedAfterMillis + " ms, before the election timeout of " + TIMEOUT_MILLIS);
        assertTrue(electedAfterMillis > 0, "no new primary within " + 4 * TIMEOUT_MILLIS + " ms");
    }
}
