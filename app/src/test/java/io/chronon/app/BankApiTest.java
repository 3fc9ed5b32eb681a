package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The REST contract of DESIGN.md, on the node running the bank ledger. */
@QuarkusTest
class BankApiTest {

    private static String account() {
        return "acct-" + UUID.randomUUID();
    }

    private static Response command(String json) {
        return given().contentType(ContentType.JSON).body(json).post("/chronon/commands");
    }

    private static Response query(String json) {
        return given().contentType(ContentType.JSON).body(json).post("/chronon/queries");
    }

    @Test
    void aDepositIsCommittedAppliedAndAnswered() {
        String alice = account();
        command("{\"type\":\"deposit\",\"account\":\"" + alice + "\",\"amount\":100}").then().statusCode(200)
                .body("index", notNullValue()).body("view", notNullValue())
                .body("result.account", equalTo(alice)).body("result.balance", equalTo(100));
        query("{\"type\":\"balance\",\"account\":\"" + alice + "\"}").then().statusCode(200)
                .body("index", notNullValue()).body("result.account", equalTo(alice))
                .body("result.balance", equalTo(100));
    }

    @Test
    void anOverdraftIsADeterministicRejection() {
        String bob = account();
        command("{\"type\":\"deposit\",\"account\":\"" + bob + "\",\"amount\":10}").then().statusCode(200);
        command("{\"type\":\"withdraw\",\"account\":\"" + bob + "\",\"amount\":30}").then().statusCode(422)
                .body("index", notNullValue()).body("rejection.code", equalTo("insufficient-funds"));
        query("{\"type\":\"balance\",\"account\":\"" + bob + "\"}").then().body("result.balance", equalTo(10));
    }

    @Test
    void aTransferMovesMoneyAndTheBalancesShowIt() {
        String from = account();
        String to = account();
        command("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":50}").then().statusCode(200);
        command("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":20}").then()
                .statusCode(200).body("result.fromBalance", equalTo(30)).body("result.toBalance", equalTo(20));
        query("{\"type\":\"balances\"}").then().statusCode(200)
                .body("result.balances.'" + from + "'", equalTo(30)).body("result.balances.'" + to + "'", equalTo(20));
        given().contentType(ContentType.JSON).body("{\"type\":\"balance\",\"account\":\"" + to + "\"}")
                .queryParam("consistency", "local").post("/chronon/queries").then().statusCode(200)
                .body("result.balance", equalTo(20));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":1.5}",
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":\"10\"}",
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":10,\"memo\":\"x\"}",
        "{\"type\":\"deposit\",\"account\":\"a\"}",
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":null}",
        "{\"type\":\"deposit\",\"account\":null,\"amount\":5}",
        "{\"type\":\"steal\",\"account\":\"a\",\"amount\":10}",
        "{\"account\":\"a\",\"amount\":10}",
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":10} trailing",
        "{\"type\":\"deposit\",\"account\":\"a\",\"amount\":10",
        "[]",
        "null",
        ""
    })
    void aMalformedCommandIsRefusedBeforeAnythingIsProposed(String body) {
        long before = committed();
        command(body).then().statusCode(400).body("error", notNullValue());
        assertEquals(List.of(), commandsCommittedAfter(before), "nothing was proposed");
    }

    /**
     * The client commands committed after {@code index}. Only commands count: the shared node may
     * commit the acknowledgement of an earlier test's effect at any moment.
     */
    private static List<Object> commandsCommittedAfter(long index) {
        if (committed() == index) {
            return List.of();
        }
        List<java.util.Map<String, Object>> entries = given().queryParam("from", index + 1).get("/chronon/log").then()
                .statusCode(200).extract().jsonPath().getList("entries");
        return entries.stream().filter(entry -> entry.containsKey("command")).map(entry -> entry.get("index")).toList();
    }

    private static long committed() {
        Integer commit = given().get("/chronon/status").then().extract().path("commitIndex");
        return commit == null ? -1 : commit;
    }

    @Test
    void anOversizedCommandIsRefusedWith413() {
        String huge = "{\"type\":\"deposit\",\"account\":\"" + "x".repeat(1_100_000) + "\",\"amount\":1}";
        command(huge).then().statusCode(413).body("error", containsString("chronon.max-command-bytes"));
        query(huge).then().statusCode(413);
        given().contentType(ContentType.JSON).body("[" + huge + "]").post("/chronon/commands/batch").then()
                .statusCode(413);
    }

    @Test
    void aRetryWithTheSameRequestNumberIsNotAppliedTwice() {
        String carol = account();
        String client = UUID.randomUUID().toString();
        String deposit = "{\"type\":\"deposit\",\"account\":\"" + carol + "\",\"amount\":7}";
        int first = given().header("Chronon-Client-Id", client).header("Chronon-Request-Number", "1")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(200)
                .extract().path("index");
        given().header("Chronon-Client-Id", client).header("Chronon-Request-Number", "1")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(200)
                .body("index", equalTo(first)).body("result.balance", equalTo(7));
        query("{\"type\":\"balance\",\"account\":\"" + carol + "\"}").then().body("result.balance", equalTo(7));
        given().header("Chronon-Client-Id", client).header("Chronon-Request-Number", "2")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(200)
                .body("result.balance", equalTo(14));
        given().header("Chronon-Client-Id", client).header("Chronon-Request-Number", "1")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(409)
                .body("latestRequestNumber", equalTo(2));
    }

    @Test
    void aNewSessionMustStartAtRequestNumberOne() {
        given().header("Chronon-Client-Id", UUID.randomUUID().toString()).header("Chronon-Request-Number", "5")
                .contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + account()
                        + "\",\"amount\":1}").post("/chronon/commands").then().statusCode(409)
                .body("error", containsString("request number 1"));
    }

    @Test
    void sessionHeadersMustBeWellFormedAndComeTogether() {
        String deposit = "{\"type\":\"deposit\",\"account\":\"" + account() + "\",\"amount\":1}";
        given().header("Chronon-Client-Id", UUID.randomUUID().toString()).contentType(ContentType.JSON).body(deposit)
                .post("/chronon/commands").then().statusCode(400);
        given().header("Chronon-Client-Id", "not-a-uuid").header("Chronon-Request-Number", "1")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(400);
        given().header("Chronon-Client-Id", UUID.randomUUID().toString()).header("Chronon-Request-Number", "0")
                .contentType(ContentType.JSON).body(deposit).post("/chronon/commands").then().statusCode(400);
    }

    @Test
    void aBatchIsAnsweredInOrder() {
        String dave = account();
        given().contentType(ContentType.JSON).body("[{\"type\":\"deposit\",\"account\":\"" + dave + "\",\"amount\":5},"
                + "{\"type\":\"withdraw\",\"account\":\"" + dave + "\",\"amount\":9},"
                + "{\"type\":\"withdraw\",\"account\":\"" + dave + "\",\"amount\":2}]")
                .post("/chronon/commands/batch").then().statusCode(200).body("$", hasSize(3))
                .body("[0].status", equalTo(200)).body("[0].result.balance", equalTo(5))
                .body("[1].status", equalTo(422)).body("[1].rejection.code", equalTo("insufficient-funds"))
                .body("[2].status", equalTo(200)).body("[2].result.balance", equalTo(3));
    }

    @Test
    void aBatchWithOneMalformedCommandProposesNone() {
        long before = committed();
        given().contentType(ContentType.JSON).body("[{\"type\":\"deposit\",\"account\":\"e\",\"amount\":5},"
                + "{\"type\":\"deposit\",\"account\":\"e\",\"amount\":\"5\"}]")
                .post("/chronon/commands/batch").then().statusCode(400);
        assertEquals(List.of(), commandsCommittedAfter(before));
    }

    @Test
    void malformedQueriesAndConsistenciesAreRefused() {
        query("{\"type\":\"balance\"}").then().statusCode(400);
        query("{\"type\":\"balance\",\"account\":\"a\",\"extra\":1}").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"type\":\"balances\"}").queryParam("consistency", "eventual")
                .post("/chronon/queries").then().statusCode(400).body("error", containsString("consistency"));
    }

    @Test
    void theOutboxDrainsOnceTheSinksTookATransfersEffects() throws InterruptedException {
        String from = account();
        command("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":5}").then().statusCode(200);
        command("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"" + account() + "\",\"amount\":5}")
                .then().statusCode(200);
        long deadline = System.nanoTime() + 10_000_000_000L;
        int pending = given().get("/chronon/outbox").then().statusCode(200).extract().path("effects.size()");
        while (pending > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            pending = given().get("/chronon/outbox").then().statusCode(200).extract().path("effects.size()");
        }
        assertEquals(0, pending, "the journal took both effects and their acknowledgements committed");
        // The outbox names each effect's route: PostgresSinkTest's PostgresTestDatabase resource applies to
        // every @QuarkusTest of the module, so the statements really go to PostgreSQL here.
        given().get("/chronon/outbox").then().statusCode(200)
                .body("acknowledged.find { it.sink == 'statements' }.route", equalTo("postgresql"))
                .body("acknowledged.find { it.sink == 'transfers' }.route", equalTo("transfers-rabbitmq"));
    }

    @Test
    void anOperatorRetryNamesAnEffectId() {
        given().post("/chronon/outbox/not-an-id/retry").then().statusCode(400);
        String id = "0123456789abcdef0123456789abcdef";
        given().post("/chronon/outbox/" + id + "/retry").then().statusCode(200).body("effect", equalTo(id))
                .body("index", notNullValue());
    }

    @Test
    void theNodeIsLiveAndReadyOnceItLeadsItsViewAndCaughtUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'chronon' }.data.role", equalTo("PRIMARY"));
    }

    @Test
    void theMetricsShowCommitsBarriersAndTheOutbox() {
        command("{\"type\":\"deposit\",\"account\":\"" + account() + "\",\"amount\":1}").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String meter : List.of("chronon_command_commit_seconds_count", "chronon_log_entries_per_barrier_count",
                "chronon_log_barrier_seconds_count", "chronon_view_changes_total", "chronon_apply_failures_total",
                "chronon_outbox_effects{status=\"PENDING\"")) {
            assertTrue(metrics.contains(meter), meter + " missing from /q/metrics");
        }
        assertTrue(!metrics.contains("chronon_command_commit_seconds_count 0.0"), "a commit was timed");
    }

    @Test
    void theStatusDescribesThisSingleReplicaCluster() {
        given().get("/chronon/status").then().statusCode(200)
                .body("nodeId", equalTo(0)).body("clusterId", notNullValue()).body("role", equalTo("PRIMARY"))
                .body("view", notNullValue()).body("primaryId", equalTo(0)).body("application", equalTo("bank"))
                .body("members", hasSize(1)).body("members[0].id", equalTo(0))
                .body("members[0].healthy", equalTo(true));
    }
}
