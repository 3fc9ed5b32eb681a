package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The time-travel dashboard in a real headless Chromium, against a dev cluster of three replicas in
 * this process whose log is compacted during the test: an empty log shows a friendly message; the
 * timeline labels a result and a rejection for what they are; the primary is stopped, and the view
 * change that follows is marked on the timeline and in the cluster lane; the hash-chain panel shows
 * the chain intact, the running replica agreeing and the stopped one unknown (then agreeing again once
 * it is back); jumping to a transfer shows the changed balances highlighted and its two effects;
 * jumping to a compacted index or beyond the log says so and offers the nearest index there is; the
 * outcome filter says how many entries of the page it hides. Screenshots land in {@code target/}.
 */
@QuarkusTest
@TestProfile(DashboardBrowserTest.SmallHistoryCluster.class)
class DashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/chronon/ui")
    URL dashboard;

    /** Three replicas, and 64 KiB segments with a snapshot every 40 entries: the log is compacted early. */
    public static class SmallHistoryCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chronon.dev.replicas", "3", "chronon.snapshot.every-entries", "40",
                    "chronon.history.retain-entries", "30", "chronon.history.checkpoint-every", "8",
                    "chronon.log.segment-bytes", "65536", "chronon.max-command-bytes", "16000");
        }
    }

    /** A command, retried while the replicas elect a primary (503) or a view change is under way (504). */
    private static Response command(String body, String path) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Response response = given().contentType(ContentType.JSON).body(body).post(path);
            if ((response.statusCode() != 503 && response.statusCode() != 504) || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(50);
        }
    }

    private static int index(String body) throws InterruptedException {
        return command(body, "/chronon/commands").then().statusCode(200).extract().path("index");
    }

    /** Rejected withdrawals (insufficient funds) until the serving replica compacted its log; the earliest state. */
    private static long compact() throws InterruptedException {
        String pad = "x".repeat(200);
        for (int batch = 0; batch < 60; batch++) {
            Response state = given().get("/chronon/state?at=0");
            if (state.statusCode() == 410) {
                return state.jsonPath().getLong("earliest");
            }
            StringBuilder commands = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                commands.append(i == 0 ? "" : ",").append("{\"type\":\"withdraw\",\"account\":\"pad-").append(batch)
                        .append('-').append(i).append(pad).append("\",\"amount\":1}");
            }
            command(commands.append(']').toString(), "/chronon/commands/batch").then().statusCode(200);
        }
        throw new AssertionError("the log was never compacted");
    }

    /** The earliest index whose state the serving replica still has, as a 410 for index 0 tells it. */
    private static long earliestState() {
        return given().get("/chronon/state?at=0").then().statusCode(410).extract().jsonPath().getLong("earliest");
    }

    private static void waitUntilEveryReplicaApplied(long index) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Integer> applied = List.of();
        while (System.nanoTime() < deadline) {
            applied = given().get("/chronon/dev/replicas").then().statusCode(200).extract().path("appliedIndex");
            if (applied.size() == 3 && applied.stream().allMatch(i -> i != null && i >= index)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the replicas did not all apply #" + index + ": " + applied);
    }

    @Test
    void theDashboardShowsOutcomesViewChangesTheChainsVerdictsADiffAndEffects() throws Exception {
        given().get("/chronon/ui").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("Chronon · time travel"));
        try (HeadlessChromium browser = HeadlessChromium.start(Files.createTempDirectory("chronon-chromium"))) {
            // A fresh node: an empty timeline with a friendly message, no error.
            Object applied = given().get("/chronon/status").then().statusCode(200).extract().path("appliedIndex");
            if (applied == null) {
                browser.navigate(dashboard.toString());
                browser.waitFor("document.querySelector('#timeline tr.message') !== null", WAIT);
                assertTrue(browser.evaluate("document.querySelector('#timeline tr.message').textContent").asText()
                        .contains("The log is empty"));
                assertTrue(browser.evaluate("document.getElementById('notice').hidden").asBoolean(),
                        "no error shown for an empty log: " + browser.evaluate("document.getElementById('notice').textContent"));
                browser.screenshot(Path.of("target/dashboard-empty.png"));
            } else {
                System.out.println("DashboardBrowserTest: the log was not empty at the start (applied " + applied
                        + "), the empty-log check is skipped");
            }

            long earliest = compact();
            assertTrue(earliest > 0, "the log was compacted: earliest state " + earliest);

            // Stop the primary: another replica takes over in a new view.
            int before = index("{\"type\":\"deposit\",\"account\":\"ui-seed\",\"amount\":1}");
            JsonNode status = given().get("/chronon/status").then().statusCode(200).extract().as(JsonNode.class);
            int oldPrimary = status.get("primaryId").asInt();
            long oldView = status.get("view").asLong();
            given().post("/chronon/dev/replicas/" + oldPrimary + "/stop").then().statusCode(204);

            String payer = "ui-" + UUID.randomUUID().toString().substring(0, 8);
            int deposit = index("{\"type\":\"deposit\",\"account\":\"" + payer + "\",\"amount\":100}");
            int transfer = index("{\"type\":\"transfer\",\"from\":\"" + payer + "\",\"to\":\"ui-payee\",\"amount\":30}");
            Response refused = command("{\"type\":\"withdraw\",\"account\":\"" + payer + "\",\"amount\":1000}",
                    "/chronon/commands");
            assertEquals(422, refused.statusCode(), refused.asString());
            int rejection = refused.jsonPath().getInt("index");
            JsonNode after = given().get("/chronon/status").then().statusCode(200).extract().as(JsonNode.class);
            long newView = after.get("view").asLong();
            assertTrue(newView > oldView, "a view change: " + oldView + " → " + newView);
            assertNotEquals(oldPrimary, after.get("primaryId").asInt());
            // Where the new view begins, as the log says.
            long firstOfView = -1;
            for (JsonNode entry : given().get("/chronon/log?from=" + before + "&limit=100").then().statusCode(200)
                    .extract().as(JsonNode.class).get("entries")) {
                if (entry.get("view").asLong() != oldView && firstOfView < 0) {
                    firstOfView = entry.get("index").asLong();
                    assertEquals(newView, entry.get("view").asLong());
                }
            }
            assertTrue(firstOfView > before && firstOfView <= deposit, "the new view begins at #" + firstOfView);

            browser.navigate(dashboard.toString());
            browser.waitFor("document.querySelector('#timeline tr.entry[data-index=\"" + rejection + "\"]') !== null", WAIT);

            // Outcomes with their own labels.
            assertEquals("rejected · insufficient-funds", browser.evaluate("document.querySelector('#timeline tr.entry"
                    + "[data-index=\"" + rejection + "\"] span.badge.rejected').textContent").asText());
            assertEquals("accepted", browser.evaluate("document.querySelector('#timeline tr.entry[data-index=\""
                    + transfer + "\"] span.badge.ok').textContent").asText());

            // The view change, on the timeline and in the cluster lane.
            browser.waitFor("document.querySelector('#view-changes .marker[data-view=\"" + newView + "\"]') !== null", WAIT);
            assertEquals(Long.toString(firstOfView), browser.evaluate("document.querySelector('#view-changes"
                    + " .marker[data-view=\"" + newView + "\"]').dataset.index").asText());
            String marker = browser.evaluate("document.querySelector('#timeline tr.view-change[data-view=\"" + newView
                    + "\"]').textContent").asText();
            assertTrue(marker.contains("view " + newView + " begins at #" + firstOfView), marker);
            assertTrue(browser.evaluate("document.getElementById('cluster-view').textContent").asText()
                    .contains("current view " + newView), "the current view in the cluster lane");

            // The hash chain over the shown page, and each replica's verdict.
            browser.waitFor("document.querySelector('#verify [data-chain=\"intact\"]') !== null"
                    + " && document.querySelectorAll('#replicas li[data-status]').length === 2", WAIT);
            String running = browser.evaluate("[...document.querySelectorAll('#replicas li')].filter(li => li.dataset"
                    + ".replica !== '" + oldPrimary + "').map(li => li.dataset.status).join()").asText();
            assertEquals("agrees", running, "the running replica agrees");
            String stopped = browser.evaluate("document.querySelector('#replicas li[data-replica=\"" + oldPrimary
                    + "\"]').textContent").asText();
            assertTrue(stopped.contains("unknown") && stopped.contains("stopped"), stopped);
            browser.screenshot(Path.of("target/dashboard-timeline.png"));

            // A transfer: its diff and its two effects.
            browser.evaluate("document.getElementById('jump').value = " + transfer
                    + "; document.getElementById('jump-go').click(); true");
            String changed = "#state [data-path=\"/balances/" + payer + "\"].changed";
            browser.waitFor("document.querySelector('" + changed + "') !== null", WAIT);
            JsonNode line = browser.evaluate("document.querySelector('" + changed + "').textContent");
            assertEquals(payer + ": 70", line.asText(), "the payer's new balance, highlighted as changed");
            JsonNode change = browser.evaluate("[...document.querySelectorAll('#changes li.replace')]"
                    + ".map(item => item.textContent).join('|')");
            assertTrue(change.asText().contains("/balances/" + payer + ": 100 → 70"), change.asText());
            assertTrue(browser.evaluate("document.querySelector('#timeline tr.selected').dataset.index").asText()
                    .equals(Integer.toString(transfer)), "the transfer is selected in the timeline");
            browser.waitFor("document.querySelectorAll('#causality .effect[data-effect]').length === 2", WAIT);
            String effects = browser.evaluate("[...document.querySelectorAll('#causality .effect[data-effect] strong')]"
                    + ".map(sink => sink.textContent).join(',')").asText();
            assertEquals("statements,transfers", effects);
            browser.screenshot(Path.of("target/dashboard-transfer.png"));

            // A compacted index: the earliest available one is named, and one click away.
            long earliestBefore = earliestState();
            browser.evaluate("document.getElementById('jump').value = 0; document.getElementById('jump-go').click(); true");
            browser.waitFor("document.getElementById('notice').dataset.kind === 'compacted'", WAIT);
            long earliestAfter = earliestState();
            String compacted = browser.evaluate("document.getElementById('notice').textContent").asText();
            Matcher named = Pattern.compile("earliest available index is #(\\d+)").matcher(compacted);
            assertTrue(compacted.contains("#0 is no longer retained") && named.find(), compacted);
            long shown = Long.parseLong(named.group(1));
            assertTrue(shown >= earliestBefore && shown <= earliestAfter, "the server's earliest index ("
                    + earliestBefore + "…" + earliestAfter + "), not " + shown);
            browser.screenshot(Path.of("target/dashboard-compacted.png"));
            browser.evaluate("document.querySelector('#notice button').click(); true");
            browser.waitFor("document.getElementById('state-title').textContent.startsWith('after #" + shown + " ')"
                    + " && document.querySelector('#state [data-path]') !== null", WAIT);

            // Beyond the commit point: said so, with the last index offered.
            long beyond = after.get("commitIndex").asLong() + 1000;
            browser.evaluate("document.getElementById('jump').value = " + beyond
                    + "; document.getElementById('jump-go').click(); true");
            browser.waitFor("document.getElementById('notice').dataset.kind === 'beyond'", WAIT);
            String past = browser.evaluate("document.getElementById('notice').textContent").asText();
            assertTrue(past.contains("#" + beyond + " is beyond the applied history, which ends at #"), past);

            // The outcome filter runs over the shown page and says how much of it it hides.
            browser.evaluate("document.getElementById('jump').value = " + rejection
                    + "; document.getElementById('jump-go').click(); true");
            browser.waitFor("document.querySelector('#timeline tr.selected[data-index=\"" + rejection + "\"]') !== null", WAIT);
            browser.evaluate("(() => { const outcome = document.getElementById('filter-outcome'); outcome.value = 'rejected';"
                    + " outcome.dispatchEvent(new Event('change')); return true; })()");
            browser.waitFor("document.getElementById('page-note').dataset.hidden !== undefined", WAIT);
            assertTrue(browser.evaluate("[...document.querySelectorAll('#timeline tr.entry')].every(row => row.dataset"
                    + ".outcome === 'rejected')").asBoolean());
            int hidden = browser.evaluate("Number(document.getElementById('page-note').dataset.hidden)").asInt();
            assertTrue(hidden > 0, "the transfer and deposit of this page are hidden");
            assertTrue(browser.evaluate("document.getElementById('page-note').textContent").asText()
                    .contains(hidden + " of "), "the page note counts the hidden entries");

            // Filters: the transfers only, then the kernel's own entries only.
            browser.evaluate("(() => { const outcome = document.getElementById('filter-outcome'); outcome.value = '';"
                    + " const type = document.getElementById('filter-type'); type.value = 'transfer';"
                    + " type.dispatchEvent(new Event('change')); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#timeline tr.entry')].length > 0 && [...document"
                    + ".querySelectorAll('#timeline tr.entry td.summary')].every(cell => cell.textContent.includes("
                    + "'\\\"type\\\":\\\"transfer\\\"'))", WAIT);
            browser.evaluate("(() => { document.getElementById('filter-type').value = '';"
                    + " const outcome = document.getElementById('filter-outcome'); outcome.value = 'kernel';"
                    + " outcome.dispatchEvent(new Event('change')); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#timeline tr.entry')].length > 0 && [...document"
                    + ".querySelectorAll('#timeline tr.entry')].every(row => row.querySelector('span.badge.kernel'))"
                    + " && [...document.querySelectorAll('#timeline tr.entry td.summary')].some(cell => cell"
                    + ".textContent.startsWith('effect done'))", WAIT);

            // The stopped replica back: once it caught up, both replicas agree.
            given().post("/chronon/dev/replicas/" + oldPrimary + "/start").then().statusCode(204);
            waitUntilEveryReplicaApplied(rejection);
            browser.evaluate("(() => { document.getElementById('filter-outcome').value = '';"
                    + " document.getElementById('verify-from').value = " + (rejection - 10) + ";"
                    + " document.getElementById('verify-to').value = " + rejection + ";"
                    + " document.getElementById('verify-go').click(); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#replicas li[data-status]')].map(li => li.dataset.status)"
                    + ".join() === 'agrees,agrees'", WAIT);
        }
        assertTrue(Files.size(Path.of("target/dashboard-transfer.png")) > 10_000, "a real screenshot");
    }
}
