package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** One ChrApplication, without any CDI annotation: it is found, becomes a bean, and runs. */
class OneApplicationTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID());

    @Test
    void theOnlyApplicationRunsAndAnswersCommandsAndQueries() {
        given().body("{\"amount\":3}").post("/chronon/commands").then().statusCode(200)
                .body("index", equalTo(0)).body("result.total", equalTo(3));
        given().body("{\"amount\":4}").post("/chronon/commands").then().statusCode(200)
                .body("index", equalTo(1)).body("result.total", equalTo(7));
        given().body("{}").post("/chronon/queries").then().statusCode(200)
                .body("index", equalTo(1)).body("result.total", equalTo(7));
        given().get("/chronon/status").then().statusCode(200)
                .body("application", equalTo("counter")).body("role", equalTo("PRIMARY"))
                .body("commitIndex", equalTo(1)).body("appliedIndex", equalTo(1));
    }
}
