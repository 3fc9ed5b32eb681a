package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The time-travel dashboard in a real headless Chromium: it loads with the timeline, jumps to a
 * transfer, shows the state after it with the changed balances highlighted in the diff, and its
 * causality panel shows the transfer's two effects. Screenshots land in {@code target/}.
 */
@QuarkusTest
class DashboardBrowserTest {
    @TestHTTPResource("/chronon/ui")
    URL dashboard;

    @Test
    void theDashboardShowsATransfersDiffAndItsTwoEffects() throws Exception {
        String payer = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + payer + "\",\"amount\":100}")
                .post("/chronon/commands").then().statusCode(200);
        int transfer = given().contentType(ContentType.JSON)
                .body("{\"type\":\"transfer\",\"from\":\"" + payer + "\",\"to\":\"ui-payee\",\"amount\":30}")
                .post("/chronon/commands").then().statusCode(200).extract().path("index");
        given().get("/chronon/ui").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("Chronon · time travel"));

        try (HeadlessChromium browser = HeadlessChromium.start(Files.createTempDirectory("chronon-chromium"))) {
            browser.navigate(dashboard.toString());
            browser.waitFor("document.querySelectorAll('#timeline tr.entry').length > 0", Duration.ofSeconds(20));
            browser.screenshot(Path.of("target/dashboard-timeline.png"));

            browser.evaluate("document.getElementById('jump').value = " + transfer
                    + "; document.getElementById('jump-go').click(); true");
            String changed = "#state [data-path=\"/balances/" + payer + "\"].changed";
            browser.waitFor("document.querySelector('" + changed + "') !== null", Duration.ofSeconds(20));
            JsonNode line = browser.evaluate("document.querySelector('" + changed + "').textContent");
            assertEquals(payer + ": 70", line.asText(), "the payer's new balance, highlighted as changed");
            JsonNode change = browser.evaluate("[...document.querySelectorAll('#changes li.replace')]"
                    + ".map(item => item.textContent).join('|')");
            assertTrue(change.asText().contains("/balances/" + payer + ": 100 → 70"), change.asText());
            assertTrue(browser.evaluate("document.querySelector('#timeline tr.selected').dataset.index").asText()
                    .equals(Integer.toString(transfer)), "the transfer is selected in the timeline");

            browser.waitFor("document.querySelectorAll('#causality .effect[data-effect]').length === 2",
                    Duration.ofSeconds(20));
            String effects = browser.evaluate("[...document.querySelectorAll('#causality .effect[data-effect] strong')]"
                    + ".map(sink => sink.textContent).join(',')").asText();
            assertEquals("statements,transfers", effects);
            browser.screenshot(Path.of("target/dashboard-transfer.png"));

            // Filters: the transfers only, then the kernel's own entries only.
            browser.evaluate("(() => { const type = document.getElementById('filter-type'); type.value = 'transfer';"
                    + " type.dispatchEvent(new Event('change')); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#timeline tr.entry')].length > 0 && [...document"
                    + ".querySelectorAll('#timeline tr.entry td.summary')].every(cell => cell.textContent.includes("
                    + "'\\\"type\\\":\\\"transfer\\\"'))", Duration.ofSeconds(20));
            browser.evaluate("(() => { document.getElementById('filter-type').value = '';"
                    + " const outcome = document.getElementById('filter-outcome'); outcome.value = 'kernel';"
                    + " outcome.dispatchEvent(new Event('change')); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#timeline tr.entry')].length > 0 && [...document"
                    + ".querySelectorAll('#timeline tr.entry')].every(row => row.querySelector('span.badge.kernel'))"
                    + " && [...document.querySelectorAll('#timeline tr.entry td.summary')].some(cell => cell"
                    + ".textContent.startsWith('effect done'))", Duration.ofSeconds(20));
        }
        assertTrue(Files.size(Path.of("target/dashboard-transfer.png")) > 10_000, "a real screenshot");
    }
}
