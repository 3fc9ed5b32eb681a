package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With the OpenTelemetry SDK switched on, one trace follows a transfer from the REST request through
 * its commit to the delivery of both its effects.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
class TracingTest {
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    /** Where the SDK exports in this test: memory. */
    @Singleton
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter exporter;

    @Test
    void aTransfersTraceRunsFromTheRequestToItsEffects() {
        String from = "traced-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":9}")
                .post("/chronon/commands").then().statusCode(200);
        long index = given().contentType(ContentType.JSON)
                .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"b\",\"amount\":4}")
                .post("/chronon/commands").then().statusCode(200).extract().<Integer>path("index");
        AttributeKey<Long> indexKey = AttributeKey.longKey("chronon.index");
        SpanData command = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems()
                .stream().filter(span -> span.getName().equals("chronon command")
                        && Long.valueOf(index).equals(span.getAttributes().get(indexKey))).findFirst().orElse(null),
                span -> span != null);
        String trace = command.getTraceId();
        List<SpanData> effects = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exporter
                .getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(trace)
                        && span.getName().startsWith("chronon effect ")).toList(), list -> list.size() == 2);
        assertEquals(List.of("chronon effect statements", "chronon effect transfers"),
                effects.stream().map(SpanData::getName).sorted().toList());
        assertTrue(effects.stream().allMatch(span -> span.getParentSpanId().equals(command.getSpanId())),
                "the deliveries are children of the command");
        assertTrue(exporter.getFinishedSpanItems().stream().anyMatch(span -> span.getTraceId().equals(trace)
                && span.getSpanId().equals(command.getParentSpanId())), "the command is a child of the request's span");
    }
}
