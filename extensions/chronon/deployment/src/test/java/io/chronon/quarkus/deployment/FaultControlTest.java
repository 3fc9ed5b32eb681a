package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * The chaos harness's faults in a running node: a skewed clock stamps consensus time ahead, a slow
 * disk makes each commit wait, and both can be changed through /chronon/test/faults.
 */
class FaultControlTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.test.fault-control", "true")
            .overrideConfigKey("chronon.test.clock-offset", "1h");

    private static long commandMillis() {
        long start = System.nanoTime();
        given().body("{\"amount\":1}").post("/chronon/commands").then().statusCode(200);
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void aSkewedClockStampsConsensusTimeAheadAndASlowDiskDelaysEveryCommit() {
        given().get("/chronon/test/faults").then().statusCode(200)
                .body("clockOffsetMillis", equalTo(3_600_000)).body("diskBarrierDelayMillis", equalTo(0));
        long index = given().body("{\"amount\":1}").post("/chronon/commands").then().statusCode(200)
                .extract().jsonPath().getLong("index");
        long stamped = given().queryParam("from", index).queryParam("limit", 1).get("/chronon/log").then()
                .statusCode(200).extract().jsonPath().getLong("entries[0].timestamp");
        long hourAhead = Instant.now().plus(Duration.ofMinutes(59)).toEpochMilli() * 1_000_000L;
        assertTrue(stamped > hourAhead, "consensus time " + stamped + " is an hour ahead of the wall clock");

        given().body("{\"diskBarrierDelayMillis\":400,\"clockOffsetMillis\":0}").contentType("application/json")
                .put("/chronon/test/faults").then().statusCode(200).body("diskBarrierDelayMillis", equalTo(400));
        long slow = commandMillis();
        assertTrue(slow >= 400, "a commit waits for the slow barrier, took " + slow + " ms");

        given().body("{}").contentType("application/json").put("/chronon/test/faults").then().statusCode(200)
                .body("diskBarrierDelayMillis", equalTo(0)).body("clockOffsetMillis", equalTo(0));
        long fast = commandMillis();
        assertTrue(fast < 400, "the disk is fast again, a commit took " + fast + " ms");
        long next = given().queryParam("from", index + 2).queryParam("limit", 1).get("/chronon/log").then()
                .statusCode(200).extract().jsonPath().getLong("entries[0].timestamp");
        assertTrue(next > stamped, "consensus time never goes backwards when the clock is set back an hour");
    }

    @Test
    void badFaultsAreRefusedWithTheReason() {
        given().body("{\"diskBarrierDelayMillis\":-1}").contentType("application/json").put("/chronon/test/faults")
                .then().statusCode(400).body("error", containsString("between 0 and"));
        given().body("{\"clockOffsetMillis\":\"soon\"}").contentType("application/json").put("/chronon/test/faults")
                .then().statusCode(400).body("error", containsString("whole numbers"));
        given().body("[]").contentType("application/json").put("/chronon/test/faults").then().statusCode(400);
    }
}
