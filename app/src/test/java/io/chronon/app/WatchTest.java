package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** {@code GET /chronon/watch}: committed entries as server-sent events, with command and outcome. */
@QuarkusTest
class WatchTest {
    @TestHTTPResource("/chronon/watch")
    URI watch;

    @Test
    void aWatcherSeesEachCommittedCommandWithItsOutcomeAndEffects() throws Exception {
        String from = "watch-" + UUID.randomUUID();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(watch)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        CompletableFuture<JsonNode> transfer = CompletableFuture.supplyAsync(() -> readUntilTransfer(stream.body(), from));
        given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                .post("/chronon/commands").then().statusCode(200);
        int index = given().contentType(ContentType.JSON)
                .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"elsewhere\",\"amount\":4}")
                .post("/chronon/commands").then().statusCode(200).extract().path("index");
        JsonNode event = transfer.get(20, TimeUnit.SECONDS);
        stream.body().close();
        assertEquals(index, event.get("index").asInt());
        assertEquals(64, event.get("hash").asText().length(), event.toString());
        assertEquals(5, event.at("/outcome/result/fromBalance").asInt(-1), event.toString());
        assertEquals(2, event.get("effects").size(), "a transfer emits a statement and a message: " + event);
    }

    private static JsonNode readUntilTransfer(InputStream body, String from) {
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data:")) {
                    JsonNode event = mapper.readTree(line.substring(5));
                    if (event.at("/command/type").asText().equals("transfer")
                            && event.at("/command/from").asText().equals(from)) {
                        return event;
                    }
                }
            }
            throw new AssertionError("the stream ended before the transfer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
