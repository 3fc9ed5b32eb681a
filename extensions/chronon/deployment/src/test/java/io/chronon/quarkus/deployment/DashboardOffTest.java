package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** With chronon.ui.enabled=false (the production default) the dashboard is not served, and says how to turn it on. */
class DashboardOffTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.ui.enabled", "false");

    @Test
    void theDashboardIsOffAndSaysHowToTurnItOn() {
        given().get("/chronon/ui").then().statusCode(404).body("error", containsString("chronon.ui.enabled=true"));
    }
}
