package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A selection that names no candidate fails the start, listing the candidates. */
class UnknownSelectionTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class, SecondApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.application", "third")
            .assertException(error -> {
                String message = StartupFailures.message(error, "names no ChrApplication");
                assertTrue(message.contains("chronon.application=third"), message);
                assertTrue(message.contains("counter (") && message.contains("second ("), message);
            });

    @Test
    void theStartFails() {
        fail("the start should have failed");
    }
}
