package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** An election timeout shorter than three heartbeats fails the start, naming the setting and its range. */
class ElectionTimeoutRefusedTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.election-timeout", "50ms")
            .assertException(error -> {
                String message = StartupFailures.message(error, "chronon.election-timeout");
                assertTrue(message.contains("chronon.election-timeout=50ms") && message.contains("150ms"), message);
            });

    @Test
    void theStartFails() {
        fail("the start should have failed");
    }
}
