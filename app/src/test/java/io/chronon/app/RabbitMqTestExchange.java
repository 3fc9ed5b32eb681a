package io.chronon.app;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An exchange of its own for this test run's transfer messages, on the machine's RabbitMQ
 * (127.0.0.1:5672, guest/guest), so that runs never see each other's messages. A missing RabbitMQ
 * fails the tests and says so.
 */
public class RabbitMqTestExchange implements QuarkusTestResourceLifecycleManager {
    private static String exchange;

    static String exchange() {
        return exchange;
    }

    @Override
    public Map<String, String> start() {
        try {
            new Socket("127.0.0.1", 5672).close();
        } catch (IOException e) {
            throw new IllegalStateException("the tests need RabbitMQ on 127.0.0.1:5672 (guest/guest): " + e.getMessage(),
                    e);
        }
        exchange = "chronon.transfers.test." + UUID.randomUUID();
        return Map.of("mp.messaging.outgoing.transfers.exchange.name", exchange,
                "mp.messaging.outgoing.transfers.exchange.auto-delete", "true",
                "rabbitmq-host", "127.0.0.1", "rabbitmq-port", "5672", "rabbitmq-username", "guest",
                "rabbitmq-password", "guest");
    }

    @Override
    public void stop() {
        // The exchange is auto-deleted with its last binding.
    }
}
