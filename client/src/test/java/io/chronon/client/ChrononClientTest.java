package io.chronon.client;

import static io.chronon.client.ChrononClient.CLIENT_ID;
import static io.chronon.client.ChrononClient.COMMANDS;
import static io.chronon.client.ChrononClient.REQUEST_NUMBER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.chronon.client.FakeNode.Reply;
import io.chronon.client.FakeNode.Request;

class ChrononClientTest {
    private static final UUID ID = UUID.fromString("6a1f0d3e-2b4c-4e5f-8a9b-0c1d2e3f4a5b");
    private static final String DEPOSIT = "{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":100}";
    private static final String COMMITTED = "{\"index\":7,\"view\":2,\"result\":{\"balance\":100}}";

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** One call first, so that class loading does not eat the short deadlines of whichever test runs first. */
    @BeforeAll
    static void warmUp() throws Exception {
        try (FakeNode node = FakeNode.start().then(COMMANDS, Reply.of(200, COMMITTED));
             ChrononClient client = ChrononClient.builder().nodes(node.url()).build()) {
            client.submit(DEPOSIT);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    private FakeNode node() throws IOException {
        FakeNode node = FakeNode.start();
        resources.add(node);
        return node;
    }

    private ChrononClient client(Duration deadline, String... urls) {
        ChrononClient client = ChrononClient.builder()
                .nodes(urls)
                .clientId(ID)
                .attemptTimeout(Duration.ofSeconds(2))
                .deadline(deadline)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(20))
                .jitter(new SplittableRandom(42))
                .build();
        resources.add(client);
        return client;
    }

    private ChrononClient client(String... urls) {
        return client(Duration.ofSeconds(5), urls);
    }

    private static List<String> requestNumbers(List<Request> requests) {
        return requests.stream().map(r -> r.header(REQUEST_NUMBER)).toList();
    }

    /** Both attempts carried the same session headers and body: the second is a retry, not a new command. */
    private static void assertSameRequest(Request first, Request second) {
        assertEquals(first.header(CLIENT_ID), second.header(CLIENT_ID));
        assertEquals(first.header(REQUEST_NUMBER), second.header(REQUEST_NUMBER));
        assertEquals(first.body(), second.body());
    }

    @Test
    void aCommittedCommandReturnsItsIndexViewAndResult() throws Exception {
        FakeNode node = node().then(COMMANDS, Reply.of(200, COMMITTED));

        CommandResult result = client(node.url()).submit(DEPOSIT);

        assertEquals(new CommandResult(7, 2, "{\"balance\":100}"), result);
        Request request = node.requests(COMMANDS).getFirst();
        assertEquals("POST", request.method());
        assertEquals(DEPOSIT, request.body());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals(ID.toString(), request.header(CLIENT_ID));
        assertEquals("1", request.header(REQUEST_NUMBER));
    }

    @Test
    void consecutiveSubmitsTakeIncreasingRequestNumbersUnderOneClientId() throws Exception {
        FakeNode node = node().always(COMMANDS, Reply.of(200, COMMITTED));
        ChrononClient client = client(node.url());

        for (int i = 0; i < 3; i++) {
            client.submit(DEPOSIT);
        }

        List<Request> requests = node.requests(COMMANDS);
        assertEquals(List.of("1", "2", "3"), requestNumbers(requests));
        assertTrue(requests.stream().allMatch(r -> ID.toString().equals(r.header(CLIENT_ID))));
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterWithTheSameRequestNumber() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.of(503, "{\"error\":\"view change\"}", "Retry-After", "1"))
                .then(COMMANDS, Reply.of(200, COMMITTED));

        long start = System.nanoTime();
        CommandResult result = client(node.url()).submit(DEPOSIT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(7, result.index());
        List<Request> requests = node.requests(COMMANDS);
        assertEquals(2, requests.size());
        assertSameRequest(requests.get(0), requests.get(1));
        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "waited only " + took);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineGivesUpAtOnceAndTheNumberIsReused() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.of(429, "{\"error\":\"overloaded\"}", "Retry-After", "60"))
                .then(COMMANDS, Reply.of(200, COMMITTED));
        ChrononClient client = client(Duration.ofSeconds(3), node.url());

        long start = System.nanoTime();
        UnavailableException e = assertThrows(UnavailableException.class, () -> client.submit(DEPOSIT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "gave up only after " + took);
        assertTrue(e.getMessage().contains("overloaded"), e.getMessage());
        client.submit(DEPOSIT);
        assertEquals(List.of("1", "1"), requestNumbers(node.requests(COMMANDS)));
    }

    @Test
    void a504IsRetriedWithTheSameRequestNumber() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.of(504, "{\"error\":\"outcome unknown\"}"))
                .then(COMMANDS, Reply.of(200, COMMITTED));

        assertEquals(7, client(node.url()).submit(DEPOSIT).index());

        List<Request> requests = node.requests(COMMANDS);
        assertEquals(2, requests.size());
        assertSameRequest(requests.get(0), requests.get(1));
    }

    @Test
    void aConnectionLostAfterSendingIsRetriedWithTheSameRequestNumber() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.HANG_UP)
                .then(COMMANDS, Reply.of(200, COMMITTED));

        assertEquals(7, client(node.url()).submit(DEPOSIT).index());

        List<Request> requests = node.requests(COMMANDS);
        assertEquals(2, requests.size());
        assertSameRequest(requests.get(0), requests.get(1));
    }

    @Test
    void aRefusedConnectionMovesOnToTheNextNode() throws Exception {
        FakeNode second = node().then(COMMANDS, Reply.of(200, COMMITTED));

        CommandResult result = client(FakeNode.unreachableUrl(), second.url()).submit(DEPOSIT);

        assertEquals(7, result.index());
        assertEquals(List.of("1"), requestNumbers(second.requests(COMMANDS)));
    }

    @Test
    void theClientFindsThePrimaryThroughStatusAndStaysWithIt() throws Exception {
        FakeNode backup = node();
        FakeNode primary = node().always(COMMANDS, Reply.of(200, COMMITTED));
        backup.always(COMMANDS, Reply.of(503, "{\"error\":\"primary unreachable\"}", "Retry-After", "0"))
                .always(NodeSelector.STATUS_PATH, Reply.of(200, """
                        {"nodeId":"1","clusterId":"c","role":"BACKUP","view":4,"commitIndex":6,"appliedIndex":6,
                         "primaryId":"2","members":[{"id":"1","address":"%s","healthy":true},
                                                    {"id":"2","address":"%s","healthy":true}]}
                        """.formatted(backup.address(), primary.address())));
        // Only the backup is configured: the primary can only be reached by asking who it is.
        ChrononClient client = client(backup.url());

        client.submit(DEPOSIT);
        client.submit(DEPOSIT);

        assertEquals(List.of("1"), requestNumbers(backup.requests(COMMANDS)));
        List<Request> atPrimary = primary.requests(COMMANDS);
        assertEquals(List.of("1", "2"), requestNumbers(atPrimary));
        assertSameRequest(backup.requests(COMMANDS).getFirst(), atPrimary.getFirst());
    }

    @Test
    void aRejectionCarriesItsIndexViewAndRejection() throws Exception {
        FakeNode node = node().then(COMMANDS,
                Reply.of(422, "{\"index\":9,\"view\":3,\"rejection\":{\"reason\":\"insufficient funds\"}}"));
        ChrononClient client = client(node.url());

        RejectedException e = assertThrows(RejectedException.class, () -> client.submit(DEPOSIT));

        assertEquals(9, e.index());
        assertEquals(3, e.view());
        assertEquals("{\"reason\":\"insufficient funds\"}", e.rejection());
        assertEquals(1, node.requests(COMMANDS).size());
    }

    @Test
    void aMalformedCommandIsNotRetriedAndItsNumberIsReused() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.of(400, "{\"error\":\"no type\"}"))
                .then(COMMANDS, Reply.of(200, COMMITTED));
        ChrononClient client = client(node.url());

        MalformedCommandException e = assertThrows(MalformedCommandException.class, () -> client.submit("{}"));

        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("no type"), e.getMessage());
        client.submit(DEPOSIT);
        assertEquals(List.of("1", "1"), requestNumbers(node.requests(COMMANDS)));
    }

    @Test
    void aTooLargeCommandWithAnUnreadableBodyIsMalformed() throws Exception {
        FakeNode node = node().then(COMMANDS, Reply.of(413, "<html>Request Entity Too Large</html>"));
        ChrononClient client = client(node.url());

        MalformedCommandException e = assertThrows(MalformedCommandException.class, () -> client.submit(DEPOSIT));

        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("Request Entity Too Large"), e.getMessage());
    }

    @Test
    void aStaleRequestNumberIsNotRetried() throws Exception {
        FakeNode node = node().then(COMMANDS, Reply.of(409, "{\"error\":\"stale request number\"}"));
        ChrononClient client = client(node.url());

        StaleRequestException e = assertThrows(StaleRequestException.class, () -> client.submit(DEPOSIT));

        assertTrue(e.getMessage().contains("stale request number"), e.getMessage());
        assertEquals(1, node.requests(COMMANDS).size());
    }

    @Test
    void aRetryRefusedAfterA504LeavesTheOutcomeUnknown() throws Exception {
        FakeNode node = node()
                .then(COMMANDS, Reply.of(504, "{\"error\":\"outcome unknown\"}"))
                .then(COMMANDS, Reply.of(409, "{\"error\":\"session expired\"}"));
        ChrononClient client = client(node.url());

        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> client.submit(DEPOSIT));

        assertInstanceOf(StaleRequestException.class, e.getCause());
    }

    @Test
    void theDeadlinePassingAmong504sLeavesTheOutcomeUnknownAndUsesUpTheNumber() throws Exception {
        FakeNode node = node().always(COMMANDS, Reply.of(504, "{\"error\":\"outcome unknown\"}"));
        ChrononClient client = client(Duration.ofMillis(500), node.url());

        long start = System.nanoTime();
        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> client.submit(DEPOSIT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "gave up only after " + took);
        assertTrue(e.getMessage().contains("command 1 of client " + ID), e.getMessage());
        List<String> numbers = requestNumbers(node.requests(COMMANDS));
        assertTrue(numbers.size() >= 2, "attempts: " + numbers);
        assertTrue(numbers.stream().allMatch("1"::equals), "attempts: " + numbers);
        // The command may be in the log under number 1: the next command must not reuse it.
        assertThrows(OutcomeUnknownException.class, () -> client.submit(DEPOSIT));
        assertEquals("2", node.requests(COMMANDS).getLast().header(REQUEST_NUMBER));
    }

    @Test
    void aQueryIsLinearizableByDefault() throws Exception {
        FakeNode node = node().then(ChrononClient.QUERIES, Reply.of(200, "{\"index\":12,\"result\":[1,2]}"));

        QueryResult result = client(node.url()).query("{\"account\":\"alice\"}");

        assertEquals(new QueryResult(12, "[1,2]"), result);
        Request request = node.requests(ChrononClient.QUERIES).getFirst();
        assertNull(request.query());
        assertEquals("{\"account\":\"alice\"}", request.body());
        assertNull(request.header(REQUEST_NUMBER));
    }

    @Test
    void aLocalQueryAsksForALocalRead() throws Exception {
        FakeNode node = node().then(ChrononClient.QUERIES, Reply.of(200, "{\"index\":11,\"result\":\"x\"}"));

        QueryResult result = client(node.url()).queryLocal("{\"account\":\"alice\"}");

        assertEquals(new QueryResult(11, "\"x\""), result);
        assertEquals("consistency=local", node.requests(ChrononClient.QUERIES).getFirst().query());
    }

    @Test
    void aQueryIsRetriedThroughAViewChange() throws Exception {
        FakeNode node = node()
                .then(ChrononClient.QUERIES, Reply.of(503, "{\"error\":\"view change\"}", "Retry-After", "0"))
                .then(ChrononClient.QUERIES, Reply.of(200, "{\"index\":3,\"result\":0}"));

        assertEquals(3, client(node.url()).query("{}").index());
    }

    @Test
    void statusMirrorsTheNodesAnswer() throws Exception {
        FakeNode node = node().then(NodeSelector.STATUS_PATH, Reply.of(200, """
                {"nodeId":"3","clusterId":"bank","role":"RECOVERING","view":5,"commitIndex":null,"appliedIndex":40,
                 "primaryId":null,"members":[{"id":"3","address":"10.0.0.3:8080","healthy":false}]}
                """));

        NodeStatus status = client(node.url()).status(node.url());

        assertEquals(new NodeStatus("3", "bank", NodeStatus.Role.RECOVERING, 5, OptionalLong.empty(), OptionalLong.of(40),
                Optional.empty(), List.of(new NodeStatus.Member("3", "10.0.0.3:8080", false))), status);
        assertEquals("GET", node.requests(NodeSelector.STATUS_PATH).getFirst().method());
    }

    @Test
    void aBatchIsAnsweredCommandByCommand() throws Exception {
        FakeNode node = node().then(ChrononClient.BATCH, Reply.of(200, """
                [{"index":4,"view":1,"result":{"ok":true}},
                 {"index":5,"view":1,"rejection":"no such account"},
                 {"error":"malformed command"}]
                """));

        List<CommandOutcome> outcomes = client(node.url()).submitBatch(List.of(DEPOSIT, "{\"b\":2}", "{}"));

        assertEquals(List.of(new CommandResult(4, 1, "{\"ok\":true}"),
                new CommandRejection(5, 1, "\"no such account\""),
                new CommandFailure("malformed command")), outcomes);
        assertEquals("[" + DEPOSIT + ",{\"b\":2},{}]", node.requests(ChrononClient.BATCH).getFirst().body());
    }

    @Test
    void aBatchIsNotResentOnceItMayHaveArrived() throws Exception {
        FakeNode node = node()
                .then(ChrononClient.BATCH, Reply.of(504, "{\"error\":\"outcome unknown\"}"))
                .then(ChrononClient.BATCH, Reply.of(200, "[{\"index\":4,\"view\":1,\"result\":1}]"));
        ChrononClient client = client(node.url());

        assertThrows(OutcomeUnknownException.class, () -> client.submitBatch(List.of(DEPOSIT)));

        assertEquals(1, node.requests(ChrononClient.BATCH).size());
    }

    @Test
    void aBatchCommandThatIsNotJsonIsRefusedBeforeSending() throws Exception {
        FakeNode node = node();
        ChrononClient client = client(node.url());

        assertThrows(IllegalArgumentException.class, () -> client.submitBatch(List.of(DEPOSIT, "{\"a\":1}]")));

        assertEquals(List.of(), node.requests(ChrononClient.BATCH));
    }
}
