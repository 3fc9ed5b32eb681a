package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * Dev mode: a live reload restarts the node, which replays its log with the new code. Unchanged
 * behaviour replays silently into the same state; changed behaviour is reported at the first entry
 * whose outcome differs, field by field.
 */
class LiveReloadReplayTest {
    @RegisterExtension
    static final QuarkusDevModeTest TEST = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class)
                    .addAsResource(new org.jboss.shrinkwrap.api.asset.StringAsset(
                            "chronon.data-dir=target/test-data/" + UUID.randomUUID() + "\n"),
                            "application.properties"));

    @Test
    void aReloadReplaysTheLogAndNamesTheFirstEntryTheNewCodeAppliesDifferently() {
        given().body("{\"amount\":3}").post("/chronon/commands").then().statusCode(200).body("result.total", equalTo(3));
        given().body("{\"amount\":4}").post("/chronon/commands").then().statusCode(200).body("result.total", equalTo(7));

        // A change that keeps behaviour: the replay agrees with the recorded history.
        TEST.modifySourceFile(CounterApplication.class, source -> source.replace(
                "/** A counter: the smallest application", "/** A counter (reloaded): the smallest application"));
        given().body("{}").post("/chronon/queries").then().statusCode(200).body("result.total", equalTo(7));
        given().get("/chronon/status").then().statusCode(200).body("replayDivergence", nullValue());

        // A change of behaviour: counting double. The replay of entry 0 differs first.
        TEST.modifySourceFile(CounterApplication.class, source -> source.replace(
                "return Applied.accept(state + command.amount(), new Total(state + command.amount()));",
                "return Applied.accept(state + 2 * command.amount(), new Total(state + 2 * command.amount()));"));
        given().body("{}").post("/chronon/queries").then().statusCode(200).body("result.total", equalTo(14));
        given().get("/chronon/status").then().statusCode(200)
                .body("replayDivergence", containsString("entry 0"))
                .body("replayDivergence", containsString("/result/total: 3 -> 6"));
    }
}
