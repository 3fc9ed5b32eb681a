package io.chronon.quarkus.deployment;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * Each replica says at INFO when its view or its status changes (what an operator looks for first
 * when latency jumps): a single replica starting up reports the normal view it serves, once.
 */
class ViewChangeLogTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .setLogRecordPredicate(record -> record.getLoggerName().equals("io.chronon.quarkus.NodeDriver"))
            .assertLogRecords(ViewChangeLogTest::oneNormalViewReported);

    private static void oneNormalViewReported(List<LogRecord> records) {
        List<String> views = records.stream().filter(record -> record.getLevel().intValue() == Level.INFO.intValue())
                .map(record -> ((ExtLogRecord) record).getFormattedMessage()).filter(message -> message.startsWith("replica 0: ")).toList();
        assertTrue(views.stream().anyMatch(message -> message.matches("replica 0: NORMAL in view \\d+ \\(primary 0\\),"
                + " commit index -?\\d+")), "a view report: " + views);
        assertTrue(views.stream().filter(message -> message.contains("NORMAL")).count() == 1,
                "a steady view is reported once, not on every command: " + views);
    }

    @Test
    void commandsInASteadyViewAddNoReport() {
        for (int i = 0; i < 5; i++) {
            given().body("{\"amount\":1}").post("/chronon/commands").then().statusCode(200);
        }
    }
}
