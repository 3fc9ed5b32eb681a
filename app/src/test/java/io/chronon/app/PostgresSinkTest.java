package io.chronon.app;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.quarkus.sink.FencedOutException;
import io.chronon.quarkus.sink.PostgresSink;
import io.chronon.quarkus.sink.SinkCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL sink against the machine's PostgreSQL: a transfer's statement lands as two rows; a
 * second delivery of the same effect (what a failover does) is suppressed; a delivery from an older
 * view than one that already wrote (a zombie primary) is refused and writes nothing.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestDatabase.class)
class PostgresSinkTest {
    @Inject
    Pool pool;

    @Inject
    BankStatementWriter writer;

    private static List<Long> deltas(String effectId) throws SQLException {
        try (Connection connection = PostgresTestDatabase.connect(PostgresTestDatabase.database());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT delta FROM bank_statement WHERE effect_id = ? ORDER BY delta")) {
            query.setString(1, effectId);
            List<Long> deltas = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    deltas.add(rows.getLong(1));
                }
            }
            return deltas;
        }
    }

    @Test
    void aTransfersStatementIsTwoRowsInPostgres() {
        String from = "pg-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"type\":\"deposit\",\"account\":\"" + from + "\",\"amount\":50}")
                .post("/chronon/commands").then().statusCode(200);
        int index = given().contentType(ContentType.JSON)
                .body("{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"pg-other\",\"amount\":20}")
                .post("/chronon/commands").then().statusCode(200).extract().path("index");
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> PostgresTestDatabase.statementRows(PostgresTestDatabase.database(), index) == 2);
    }

    @Test
    void aSecondDeliveryIsSuppressedAndAnOlderViewIsFencedOut() throws Exception {
        UUID cluster = UUID.randomUUID();
        SinkCounters counters = new SinkCounters(new SimpleMeterRegistry());
        PostgresSink sink = new PostgresSink("statements", cluster, pool, writer, counters);
        EffectId first = EffectId.of(cluster, 7, 0);
        byte[] payload = new Statement(7, "alice", "bob", 30).encode();

        sink.deliver(new EffectSink.Delivery(first, 7, 0, 5, payload)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(-30L, 30L), deltas(first.toString()));

        sink.deliver(new EffectSink.Delivery(first, 7, 0, 5, payload)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(-30L, 30L), deltas(first.toString()), "the second delivery wrote nothing");
        assertEquals(1, counters.duplicatesSuppressed("statements"));

        EffectId fromZombie = EffectId.of(cluster, 8, 0);
        ExecutionException refused = assertThrows(ExecutionException.class, () -> sink.deliver(new EffectSink.Delivery(fromZombie, 8, 0, 4,
                new Statement(8, "alice", "bob", 1).encode())).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(FencedOutException.class, refused.getCause());
        assertEquals(List.of(), deltas(fromZombie.toString()), "a zombie's delivery writes nothing");
        assertEquals(1, counters.fencedDeliveries("statements"));

        sink.deliver(new EffectSink.Delivery(fromZombie, 8, 0, 6, new Statement(8, "alice", "bob", 1).encode())).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(List.of(-1L, 1L), deltas(fromZombie.toString()), "the newer primary delivers it");
    }
}
