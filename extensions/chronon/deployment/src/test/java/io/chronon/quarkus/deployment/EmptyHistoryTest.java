package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * The history endpoints on a node whose log is still empty, then after its first entry: an empty log
 * is an empty page (not an error), the range operations say there is nothing to work on, and the
 * first entry carries every field of the contract, null where it has none.
 */
class EmptyHistoryTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID());

    @Test
    void anEmptyLogIsAnEmptyPageAndItsFirstEntryHasEveryField() {
        given().get("/chronon/log").then().statusCode(200)
                .body("entries.size()", equalTo(0)).body("next", nullValue());
        given().get("/chronon/log?from=1").then().statusCode(404)
                .body("error", containsString("beyond the applied history"));
        given().get("/chronon/verify").then().statusCode(404).body("error", containsString("no entry yet"));
        given().post("/chronon/replay").then().statusCode(404).body("error", containsString("no entry yet"));
        given().get("/chronon/export").then().statusCode(404).body("error", containsString("no entry yet"));
        given().get("/chronon/operations").then().statusCode(200).body("operations", notNullValue());

        given().body("{\"amount\":3}").post("/chronon/commands").then().statusCode(200).body("index", equalTo(0));
        given().get("/chronon/log").then().statusCode(200)
                .body("entries.size()", equalTo(1)).body("next", nullValue())
                .body("entries[0].keySet()", hasItems("index", "view", "timestamp", "hash", "previousHash",
                        "clientId", "requestNumber", "command", "outcome", "effects", "causedBy"))
                .body("entries[0].clientId", nullValue()).body("entries[0].requestNumber", nullValue())
                .body("entries[0].command.amount", equalTo(3)).body("entries[0].outcome.result.total", equalTo(3))
                .body("entries[0].effects.size()", equalTo(0));
        given().get("/chronon/log?from=1").then().statusCode(200).body("entries.size()", equalTo(0));
        given().post("/chronon/replay?from=0&to=0").then().statusCode(200).body("replayed", equalTo(1))
                .body("divergence", nullValue());
        given().get("/chronon/operations").then().statusCode(200)
                .body("operations.find { it.kind == 'replay' }.state", equalTo("DONE"))
                .body("operations.find { it.kind == 'replay' }.progress", equalTo("replayed 1 entries, no divergence"));
    }
}
