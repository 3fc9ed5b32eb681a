package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import jakarta.inject.Named;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chronon.kernel.Applied;
import io.chronon.kernel.ApplyContext;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code POST /chronon/replay} with a deliberately changed application: the history is recorded by
 * a counter; then its rule for adding 7 changes (it adds 8), and the replay names exactly the first
 * entry that now applies differently, with the outcome's field-level difference; changed back, the
 * same history replays without a difference. A history bundle exported before the change replays
 * clean with the old rule and names the same entry with the new one; a damaged bundle is refused.
 */
class ReplayDivergenceTest {
    /** A counter whose rule for 7 can be changed while it runs, as a new version of the code would. */
    @Named("evolving-counter")
    public static class EvolvingCounter extends CounterApplication {
        static volatile boolean sevenCountsEight;

        @Override
        public Applied<Long, Total> apply(Long state, Add command, ApplyContext context) {
            if (sevenCountsEight && command.amount() == 7) {
                return super.apply(state, new Add(8), context);
            }
            return super.apply(state, command, context);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class, EvolvingCounter.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.application", "evolving-counter")
            .overrideConfigKey("quarkus.application.version", "1.4.2");

    @Test
    void theFirstEntryTheChangedCodeAppliesDifferentlyIsNamedWithItsDiff() {
        EvolvingCounter.sevenCountsEight = false;
        given().body("{\"amount\":1}").post("/chronon/commands").then().statusCode(200).body("index", equalTo(0));
        given().body("{\"amount\":2}").post("/chronon/commands").then().statusCode(200).body("index", equalTo(1));
        given().body("{\"amount\":7}").post("/chronon/commands").then().statusCode(200).body("index", equalTo(2))
                .body("result.total", equalTo(10));
        given().body("{\"amount\":3}").post("/chronon/commands").then().statusCode(200).body("index", equalTo(3));

        given().post("/chronon/replay?from=0&to=3").then().statusCode(200).body("replayed", equalTo(4))
                .body("compared", equalTo(4)).body("recordedThrough", equalTo(3)).body("divergence", nullValue());
        byte[] bundle = given().get("/chronon/export?from=0&to=3").then().statusCode(200)
                .header("Content-Disposition", containsString("chronon-0-3.bundle")).extract().asByteArray();
        given().contentType("application/octet-stream").body(bundle).post("/chronon/bundles/replay").then()
                .statusCode(200).body("matches", equalTo(true)).body("replayed", equalTo(4))
                .body("application", equalTo("evolving-counter")).body("chain", equalTo("intact"))
                .body("applicationVersion", equalTo("1.4.2")).body("replayedWith.applicationVersion", equalTo("1.4.2"))
                .body("snapshotSchema", equalTo(1)).body("replayedWith.snapshotSchema", equalTo(1));
        byte[] damaged = bundle.clone();
        damaged[damaged.length / 2] ^= 1;
        given().contentType("application/octet-stream").body(damaged).post("/chronon/bundles/replay").then()
                .statusCode(400).body("error", containsString("damaged"));

        EvolvingCounter.sevenCountsEight = true;
        try {
            given().contentType("application/octet-stream").body(bundle).post("/chronon/bundles/replay").then()
                    .statusCode(200).body("matches", equalTo(false)).body("firstDivergence", equalTo(2));
            given().post("/chronon/replay?from=0&to=3").then().statusCode(200)
                    .body("divergence.index", equalTo(2))
                    .body("divergence.recorded.result.total", equalTo(10))
                    .body("divergence.now.result.total", equalTo(11))
                    .body("divergence.changes.size()", equalTo(1))
                    .body("divergence.changes[0].path", equalTo("/result/total"))
                    .body("divergence.changes[0].op", equalTo("replace"))
                    .body("divergence.changes[0].old", equalTo(10))
                    .body("divergence.changes[0].new", equalTo(11));
            given().post("/chronon/replay?from=0&to=1").then().statusCode(200).body("divergence", nullValue());
        } finally {
            EvolvingCounter.sevenCountsEight = false;
        }
        given().post("/chronon/replay?from=3&to=1").then().statusCode(400).body("error", containsString("after"));
        given().post("/chronon/replay?to=99").then().statusCode(404);
    }
}
