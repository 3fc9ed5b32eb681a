package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import io.chronon.kernel.EffectSink;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A route to a sink that does not exist fails the start, naming the route and the sinks there are. */
class UnknownEffectSinkTest {
    /** The one sink bean of the application under test. */
    @ApplicationScoped
    public static class AuditSink implements EffectSink {
        @Override
        public String name() {
            return "audit-log";
        }

        @Override
        public Guarantee guarantee() {
            return Guarantee.AT_LEAST_ONCE;
        }

        @Override
        public CompletionStage<Receipt> deliver(Delivery delivery) {
            return CompletableFuture.completedFuture(Receipt.DELIVERED);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class, AuditSink.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID())
            .overrideConfigKey("chronon.effects.\"audit\".sink", "audit-logg")
            .assertException(error -> {
                String message = StartupFailures.message(error, "chronon.effects.\"audit\".sink=audit-logg");
                assertTrue(message.contains("[audit-log]"), message);
            });

    @Test
    void theStartFails() {
        fail("the start should have failed");
    }
}
