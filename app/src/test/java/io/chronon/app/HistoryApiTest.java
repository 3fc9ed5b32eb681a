package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Time travel over REST on a node that takes a snapshot every 40 entries, keeps 30 entries of history
 * below it, writes its log in 64 KiB segments and checkpoints its history every 8 entries: states, diffs and log pages, checked against
 * a replay of the same commands from genesis by an independent model of the bank, across snapshots
 * and compaction; and every kind of bad parameter answered with a clear 4xx.
 */
@QuarkusTest
@TestProfile(HistoryApiTest.SmallHistory.class)
class HistoryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fields DESIGN.md promises on every entry of {@code GET /chronon/log}. */
    private static final String[] ENTRY_FIELDS = {"index", "view", "timestamp", "hash", "previousHash", "clientId",
            "requestNumber", "command", "outcome", "effects", "causedBy"};
    private static final List<String> ACCOUNTS = List.of("h-alice", "h-bob", "h-carol", "h-dave");

    public static class SmallHistory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // 64 KiB segments hold a few hundred entries: the log is compacted during the test.
            return Map.of("chronon.snapshot.every-entries", "40", "chronon.history.retain-entries", "30",
                    "chronon.history.checkpoint-every", "8", "chronon.log.segment-bytes", "65536",
                    "chronon.max-command-bytes", "16000");
        }
    }

    /** A command sent, and where the log put it. */
    private record Sent(long index, String type, String account, String to, long amount) {}

    private static Response command(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/chronon/commands");
    }

    private static Sent send(Random random) {
        String account = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        String other = ACCOUNTS.get((ACCOUNTS.indexOf(account) + 1 + random.nextInt(ACCOUNTS.size() - 1))
                % ACCOUNTS.size());
        long amount = 1 + random.nextInt(50);
        String type = switch (random.nextInt(3)) {
            case 0 -> "deposit";
            case 1 -> "withdraw";
            default -> "transfer";
        };
        String body = type.equals("transfer")
                ? "{\"type\":\"transfer\",\"from\":\"" + account + "\",\"to\":\"" + other + "\",\"amount\":" + amount + "}"
                : "{\"type\":\"" + type + "\",\"account\":\"" + account + "\",\"amount\":" + amount + "}";
        Response answer = command(body);
        assertTrue(answer.statusCode() == 200 || answer.statusCode() == 422, answer.asString());
        return new Sent(answer.jsonPath().getLong("index"), type, account, other, amount);
    }

    /** The bank's balances after every command up to {@code index}, replayed from genesis by a model. */
    private static JsonNode expectedState(List<Sent> sent, long index) {
        TreeMap<String, Long> balances = new TreeMap<>();
        for (Sent command : sent) {
            if (command.index() > index) {
                break;
            }
            long balance = balances.getOrDefault(command.account(), 0L);
            switch (command.type()) {
                case "deposit" -> balances.put(command.account(), balance + command.amount());
                case "withdraw" -> {
                    if (balance >= command.amount()) {
                        balances.put(command.account(), balance - command.amount());
                    }
                }
                default -> {
                    if (balance >= command.amount()) {
                        balances.put(command.account(), balance - command.amount());
                        balances.merge(command.to(), command.amount(), Long::sum);
                    }
                }
            }
            balances.values().removeIf(value -> value == 0);
        }
        try {
            // Through text, so that numbers compare as the answer's do (an int node is not a long node).
            return JSON.readTree(JSON.writeValueAsString(Map.of("balances", balances)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The state restricted to this test's accounts (the class's other tests use accounts of their own). */
    private static JsonNode ownAccounts(JsonNode state) {
        ObjectNode balances = JSON.createObjectNode();
        state.get("balances").properties().forEach(account -> {
            if (ACCOUNTS.contains(account.getKey())) {
                balances.set(account.getKey(), account.getValue());
            }
        });
        return JSON.createObjectNode().set("balances", balances);
    }

    /** The earliest index whose state is still available, as a 410 for index 0 tells it. */
    private static long earliestState() {
        return given().get("/chronon/state?at=0").then().statusCode(410).extract().jsonPath().getLong("earliest");
    }

    @Test
    void theStateAtAnyRetainedIndexIsTheStateAReplayFromGenesisReaches() throws Exception {
        long seed = Long.getLong("chronon.test.seed", new Random().nextLong());
        System.out.println("HistoryApiTest seed " + seed + " (again: -Dchronon.test.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sent.add(send(random));
        }
        long latest = sent.getLast().index();
        long earliest = earliestState();
        assertTrue(earliest > 0, "the log was compacted below the snapshots: earliest " + earliest);
        given().get("/chronon/log?limit=1").then().statusCode(200).body("entries[0].index", equalTo((int) earliest + 1));
        List<Long> probes = new ArrayList<>(List.of(earliest, latest));
        for (int i = 0; i < 40; i++) {
            probes.add(earliest + (long) (random.nextDouble() * (latest - earliest + 1)));
        }
        for (long index : probes) {
            String body = given().get("/chronon/state?at=" + index).then().statusCode(200).extract().asString();
            JsonNode answer = JSON.readTree(body);
            assertEquals(index, answer.get("index").asLong());
            assertEquals(expectedState(sent, index), ownAccounts(answer.get("state")),
                    "state at " + index + " (seed " + seed + ")");
        }
        // A bundle of the retained history from its root snapshot on replays bit for bit.
        byte[] bundle = given().get("/chronon/export?from=" + (earliest + 1) + "&to=" + latest).then().statusCode(200)
                .extract().asByteArray();
        given().contentType("application/octet-stream").body(bundle).post("/chronon/bundles/replay").then()
                .statusCode(200).body("matches", equalTo(true)).body("from", equalTo((int) earliest + 1))
                .body("replayed", equalTo((int) (latest - earliest)))
                .body("applicationVersion", equalTo("0.1.0-SNAPSHOT"))
                .body("replayedWith.applicationVersion", equalTo("0.1.0-SNAPSHOT"));
        given().get("/chronon/export?from=" + (earliest - 1)).then().statusCode(410);
        given().get("/chronon/state?at=" + (earliest - 1)).then().statusCode(410)
                .body("earliest", equalTo((int) earliest)).body("error", containsString("no longer available"));
    }

    @Test
    void aDiffNamesTheBalancesATransferChanged() {
        command("{\"type\":\"deposit\",\"account\":\"d-alice\",\"amount\":100}").then().statusCode(200);
        int index = command("{\"type\":\"transfer\",\"from\":\"d-alice\",\"to\":\"d-bob\",\"amount\":30}").then()
                .statusCode(200).extract().path("index");
        given().get("/chronon/diff?from=" + (index - 1) + "&to=" + index).then().statusCode(200)
                .body("from", equalTo(index - 1)).body("to", equalTo(index))
                .body("changes.find { it.path == '/balances/d-alice' }.op", equalTo("replace"))
                .body("changes.find { it.path == '/balances/d-alice' }.old", equalTo(100))
                .body("changes.find { it.path == '/balances/d-alice' }.new", equalTo(70))
                .body("changes.find { it.path == '/balances/d-bob' }.op", equalTo("add"))
                .body("changes.find { it.path == '/balances/d-bob' }.new", equalTo(30));
        given().get("/chronon/diff?from=" + index + "&to=" + index).then().statusCode(200)
                .body("changes.size()", equalTo(0));
    }

    @Test
    void theLogShowsEachEntrysCommandOutcomeEffectsAndCause() {
        String client = UUID.randomUUID().toString();
        int deposit = command("{\"type\":\"deposit\",\"account\":\"l-alice\",\"amount\":50}").then()
                .statusCode(200).extract().path("index");
        // Every entry carries every field of the contract; a command sent without a session has null ones.
        given().get("/chronon/log?from=" + deposit + "&limit=1").then().statusCode(200)
                .body("entries[0].keySet()", hasItems(ENTRY_FIELDS))
                .body("entries[0].clientId", nullValue()).body("entries[0].requestNumber", nullValue())
                .body("entries[0].command.type", equalTo("deposit"))
                .body("entries[0].outcome.result.balance", equalTo(50));
        int index = given().contentType(ContentType.JSON).header("Chronon-Client-Id", client)
                .header("Chronon-Request-Number", "1")
                .body("{\"type\":\"transfer\",\"from\":\"l-alice\",\"to\":\"l-bob\",\"amount\":20}")
                .post("/chronon/commands").then().statusCode(200).extract().path("index");
        // The transfer's two effects are acknowledged by entries of their own, after it.
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> given()
                .get("/chronon/log?from=" + index + "&type=effect done&limit=2").then().statusCode(200).extract()
                .jsonPath().getList("entries").size() == 2);
        given().get("/chronon/log?from=" + index + "&limit=1").then().statusCode(200)
                .body("entries.size()", equalTo(1))
                .body("entries[0].index", equalTo(index))
                .body("entries[0].hash.size()", equalTo(64))
                .body("entries[0].previousHash.size()", equalTo(64))
                .body("entries[0].command.type", equalTo("transfer"))
                .body("entries[0].outcome.result.fromBalance", equalTo(30))
                .body("entries[0].effects.sink", hasItems("statements", "transfers"))
                .body("entries[0].causedBy.clientId", equalTo(client))
                .body("entries[0].causedBy.requestNumber", equalTo(1))
                .body("next", equalTo(index + 1));
        given().get("/chronon/log?client=" + client).then().statusCode(200)
                .body("entries.index", equalTo(List.of(index)));
        given().get("/chronon/log?from=" + (index - 1) + "&type=transfer&limit=5").then().statusCode(200)
                .body("entries.command.type", everyItem(equalTo("transfer")))
                .body("entries[0].index", equalTo(index));
        // The effects' acknowledgements come later, caused by the effects.
        given().get("/chronon/log?from=" + index + "&type=effect done&limit=2").then().statusCode(200)
                .body("entries.causedBy.index", everyItem(equalTo(index)))
                .body("entries[0].keySet()", hasItems(ENTRY_FIELDS))
                .body("entries[0].kernel", equalTo("effect done"))
                .body("entries[0].command", nullValue())
                .body("entries[0].outcome.keySet()", hasItems("result"));
    }

    @Test
    void causalityLeadsFromARequestToItsEffectsAndFromAValueToItsWriters() {
        String client = UUID.randomUUID().toString();
        int deposit = command("{\"type\":\"deposit\",\"account\":\"c-alice\",\"amount\":100}").then()
                .statusCode(200).extract().path("index");
        int index = given().contentType(ContentType.JSON).header("Chronon-Client-Id", client)
                .header("Chronon-Request-Number", "1")
                .body("{\"type\":\"transfer\",\"from\":\"c-alice\",\"to\":\"c-bob\",\"amount\":30}")
                .post("/chronon/commands").then().statusCode(200).extract().path("index");
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> given().get("/chronon/causality?index=" + index)
                .then().statusCode(200).extract().jsonPath().getList("effects.status").equals(List.of("DONE", "DONE")));
        given().get("/chronon/causality?index=" + index).then().statusCode(200)
                .body("entry.index", equalTo(index)).body("entry.causedBy.clientId", equalTo(client))
                .body("effects.sink", equalTo(List.of("statements", "transfers")))
                .body("effects[0].events[0].kind", equalTo("done"))
                .body("effects[0].events[0].duplicateSuppressed", equalTo(false));
        int acknowledgedAt = given().get("/chronon/causality?index=" + index).then().extract()
                .path("effects[0].events[0].index");
        given().get("/chronon/log?from=" + acknowledgedAt + "&limit=1").then().statusCode(200)
                .body("entries[0].causedBy.index", equalTo(index)).body("entries[0].causedBy.sink", equalTo("statements"));

        String statement = given().get("/chronon/causality?index=" + index).then().extract().path("effects[0].id");
        given().get("/chronon/causality?effect=" + statement).then().statusCode(200).body("entry.index", equalTo(index));
        given().get("/chronon/causality?client=" + client + "&request=1").then().statusCode(200)
                .body("entry.index", equalTo(index));

        given().get("/chronon/causality?path=/balances/c-alice").then().statusCode(200)
                .body("value", equalTo(70))
                .body("writes.index", equalTo(List.of(index, deposit)))
                .body("writes[0].old", equalTo(100)).body("writes[0].new", equalTo(70))
                .body("writes[1].new", equalTo(100))
                .body("writes[0].entry.command.type", equalTo("transfer"));
        given().get("/chronon/causality?path=/balances/c-alice&at=" + (index - 1) + "&limit=1").then().statusCode(200)
                .body("value", equalTo(100)).body("writes.index", equalTo(List.of(deposit)));
    }

    @Test
    void verifyRechecksTheChainOverARangeAndNamesItsCheckpoints() {
        int index = -1;
        for (int i = 0; i < 25; i++) {
            index = command("{\"type\":\"deposit\",\"account\":\"v-alice\",\"amount\":5}").then().statusCode(200)
                    .extract().path("index");
        }
        given().get("/chronon/verify?from=" + Math.max(0, index - 20) + "&to=" + index + "&every=5").then()
                .statusCode(200).body("replica.chain", equalTo("intact")).body("to", equalTo(index))
                .body("checkpoints.index[-1]", equalTo(index)).body("checkpoints.size()", equalTo(5))
                .body("checkpoints[0].digest.size()", equalTo(64)).body("replicas", equalTo(List.of()));
        given().get("/chronon/verify?from=9&to=3").then().statusCode(400).body("error", containsString("after"));
        given().get("/chronon/verify?from=0&to=500000").then().statusCode(400).body("error", containsString("at most"));
        given().get("/chronon/verify?from=" + index + "&to=" + (index + 1000)).then().statusCode(404);
    }

    @Test
    void causalityRefusesWhatItCannotTrace() {
        given().get("/chronon/causality").then().statusCode(400).body("error", containsString("index=N"));
        given().get("/chronon/causality?effect=xyz").then().statusCode(400).body("error", containsString("32 hex"));
        given().get("/chronon/causality?path=balances").then().statusCode(400).body("error", containsString("pointer"));
        given().get("/chronon/causality?effect=00000000000000000000000000000000").then().statusCode(404)
                .body("error", containsString("not among"));
        given().get("/chronon/causality?index=999999999").then().statusCode(404);
    }

    @Test
    void badParametersAreAnsweredWithAClear4xx() {
        given().get("/chronon/state").then().statusCode(400).body("error", containsString("at=N"));
        given().get("/chronon/state?at=-1").then().statusCode(400).body("error", containsString("out of range"));
        given().get("/chronon/state?at=ten").then().statusCode(400).body("error", containsString("whole number"));
        given().get("/chronon/state?at=999999999").then().statusCode(404)
                .body("error", containsString("beyond the applied history")).body("latest", notNullValue());
        given().get("/chronon/diff?from=5").then().statusCode(400);
        given().get("/chronon/diff?from=6&to=5").then().statusCode(400).body("error", containsString("after"));
        given().get("/chronon/log?limit=0").then().statusCode(400);
        given().get("/chronon/log?limit=100000").then().statusCode(400).body("error", containsString("1 to 1000"));
        given().get("/chronon/log?from=-3").then().statusCode(400);
        given().get("/chronon/log?client=nobody").then().statusCode(400).body("error", containsString("UUID"));
        given().get("/chronon/log?from=999999999").then().statusCode(404);
        // The entry after the last applied one is an empty page (or a page, if more was applied meanwhile).
        long applied = given().get("/chronon/status").then().extract().jsonPath().getLong("appliedIndex");
        given().get("/chronon/log?from=" + (applied + 1)).then().statusCode(200).body("entries", notNullValue());
        given().get("/chronon/verify?from=-1&to=3").then().statusCode(400).body("error", containsString("out of range"));
        given().get("/chronon/export?from=6&to=5").then().statusCode(400).body("error", containsString("after"));
        given().get("/chronon/export?from=-1&to=5").then().statusCode(400).body("error", containsString("out of range"));
        given().get("/chronon/export?from=0&to=5000000").then().statusCode(400).body("error", containsString("at most"));
        given().get("/chronon/export?from=0&to=999999999x").then().statusCode(400)
                .body("error", containsString("whole number"));
        given().post("/chronon/replay?from=0&to=5000000").then().statusCode(400).body("error", containsString("at most"));
        given().post("/chronon/replay?from=-2&to=5").then().statusCode(400).body("error", containsString("out of range"));
        given().post("/chronon/replay?from=7&to=3").then().statusCode(400).body("error", containsString("after"));
        given().get("/chronon/causality?index=-5").then().statusCode(400).body("error", containsString("out of range"));
        given().get("/chronon/causality?path=/balances/x&limit=100000").then().statusCode(400)
                .body("error", containsString("1 to 100"));
    }

    @Test
    void aReplayIsListedWithItsProgressAmongTheLongOperations() {
        int index = command("{\"type\":\"deposit\",\"account\":\"o-alice\",\"amount\":5}").then().statusCode(200)
                .extract().path("index");
        given().post("/chronon/replay?from=" + index + "&to=" + index).then().statusCode(200)
                .body("replayed", equalTo(1));
        given().get("/chronon/operations").then().statusCode(200)
                .body("operations.find { it.kind == 'replay' && it.description.startsWith('entries " + index + "–') }"
                        + ".state", equalTo("DONE"))
                .body("operations.find { it.kind == 'replay' && it.description.startsWith('entries " + index + "–') }"
                        + ".progress", equalTo("replayed 1 entries, no divergence"))
                .body("operations.find { it.kind == 'replay' && it.description.startsWith('entries " + index + "–') }"
                        + ".finished", notNullValue());
    }
}
