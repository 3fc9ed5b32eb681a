package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** Without a ChrApplication the build fails and says what to write. */
class NoApplicationTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withEmptyApplication()
            .assertException(error -> {
                Throwable cause = error;
                while (cause != null && (cause.getMessage() == null
                        || !cause.getMessage().contains("found no ChrApplication"))) {
                    cause = cause.getCause();
                }
                assertTrue(cause != null, "the build failed for another reason: " + error);
                assertTrue(cause.getMessage().contains("implements io.chronon.kernel.ChrApplication"),
                        cause.getMessage());
            });

    @Test
    void theBuildFails() {
        fail("the build should have failed");
    }
}
