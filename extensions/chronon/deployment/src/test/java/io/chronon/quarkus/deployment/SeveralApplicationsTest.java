package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** Several ChrApplications and no choice: the start fails, listing the candidates. */
class SeveralApplicationsTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class, SecondApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .assertException(error -> {
                String message = StartupFailures.message(error, "several ChrApplication beans");
                assertTrue(message.contains("counter (io.chronon.quarkus.deployment.CounterApplication)"), message);
                assertTrue(message.contains("second (io.chronon.quarkus.deployment.SecondApplication)"), message);
                assertTrue(message.contains("chronon.application=<name>"), message);
            });

    @Test
    void theStartFails() {
        fail("the start should have failed");
    }
}
