package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.UUID;

import io.chronon.client.ChrononClient;
import io.chronon.client.CommandResult;
import io.chronon.client.NodeStatus;
import io.chronon.client.RejectedException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The Java client against the real node: the two sides of the REST contract agree. */
@QuarkusTest
class ClientAgainstNodeTest {
    @TestHTTPResource("/")
    URL node;

    private ChrononClient client() {
        String base = node.toString().replaceAll("/$", "");
        return ChrononClient.builder().nodes(base).build();
    }

    @Test
    void commandsQueriesRejectionsAndStatusRoundTrip() throws Exception {
        String account = "client-" + UUID.randomUUID();
        try (ChrononClient client = client()) {
            CommandResult deposit = client.submit("{\"type\":\"deposit\",\"account\":\"" + account + "\",\"amount\":40}");
            assertTrue(deposit.result().contains("\"balance\":40"), deposit.result());
            CommandResult withdraw = client.submit("{\"type\":\"withdraw\",\"account\":\"" + account
                    + "\",\"amount\":15}");
            assertEquals(deposit.index() + 1, withdraw.index(), "one entry each, not applied twice");
            RejectedException rejected = assertThrows(RejectedException.class, () -> client.submit(
                    "{\"type\":\"withdraw\",\"account\":\"" + account + "\",\"amount\":1000}"));
            assertTrue(rejected.rejection().contains("insufficient-funds"), rejected.rejection());
            assertTrue(client.query("{\"type\":\"balance\",\"account\":\"" + account + "\"}").result()
                    .contains("\"balance\":25"));
            NodeStatus status = client.status(node.toString().replaceAll("/$", ""));
            assertEquals(NodeStatus.Role.PRIMARY, status.role());
            assertTrue(status.commitIndex().isPresent() && status.appliedIndex().isPresent());
            assertEquals(1, status.members().size());
        }
    }
}
