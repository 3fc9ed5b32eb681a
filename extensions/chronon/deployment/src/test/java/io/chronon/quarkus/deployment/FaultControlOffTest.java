package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** Without chronon.test.fault-control=true (the default) no one can slow the disk or skew the clock. */
class FaultControlOffTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID());

    @Test
    void theFaultEndpointIsOffAndSaysHowToTurnItOn() {
        given().get("/chronon/test/faults").then().statusCode(404)
                .body("error", containsString("chronon.test.fault-control=true"));
        given().body("{\"diskBarrierDelayMillis\":100}").contentType("application/json").put("/chronon/test/faults")
                .then().statusCode(404);
    }
}
