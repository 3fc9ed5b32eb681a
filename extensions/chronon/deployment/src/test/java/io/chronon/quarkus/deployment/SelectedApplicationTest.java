package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** Several ChrApplications: {@code chronon.application} picks the one that runs. */
class SelectedApplicationTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class, SecondApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.application", "second");

    @Test
    void theSelectedApplicationRuns() {
        given().get("/chronon/status").then().statusCode(200).body("application", equalTo("second"));
        given().body("{\"amount\":5}").post("/chronon/commands").then().statusCode(200)
                .body("result.total", equalTo(5));
    }
}
