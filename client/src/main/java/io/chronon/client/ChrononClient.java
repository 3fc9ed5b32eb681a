package io.chronon.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * A client of a Chronon cluster's REST API.
 *
 * <p>{@link #submit} executes a command exactly once even when attempts fail: every command carries
 * this client's id and its own request number, and every retry of it reuses both, so the cluster
 * recognises a retry of a command it already executed and answers it with the saved outcome instead
 * of executing it again. The cluster keeps only the latest request number of a client, so a
 * client's submits go out one at a time (concurrent callers wait their turn); for parallel commands
 * use several clients. A number is used up by every command that may have reached the log; one that
 * provably did not (the cluster was unavailable, or refused the body unread) is given to the next
 * command instead, because the cluster refuses a number above 1 from a client it has no session for.
 *
 * <p>Calls are retried, with backoff and on another node, while the cluster is unavailable (a view
 * change, overload, a node down) until the call's deadline. Any node can be called; the client
 * sticks to the node that answered last and looks for the primary after a failure.
 *
 * <p>Calls block and are interruptible. A client is safe to share between threads.
 */
public final class ChrononClient implements AutoCloseable {
    static final String COMMANDS = "/chronon/commands";
    static final String BATCH = "/chronon/commands/batch";
    static final String QUERIES = "/chronon/queries";
    static final String CLIENT_ID = "Chronon-Client-Id";
    static final String REQUEST_NUMBER = "Chronon-Request-Number";

    private final UUID clientId;
    private final Duration attemptTimeout;
    private final Transport transport;
    private final RetryLoop retryLoop;
    private final ReentrantLock submitting = new ReentrantLock();
    private long lastRequestNumber; // guarded by submitting

    private ChrononClient(Builder builder) {
        this.clientId = builder.clientId;
        this.attemptTimeout = builder.attemptTimeout;
        this.transport = new Transport(builder.attemptTimeout);
        this.retryLoop = new RetryLoop(transport, new NodeSelector(builder.nodes, transport),
                new Backoff(builder.initialBackoff, builder.maxBackoff, builder.random),
                builder.attemptTimeout, builder.deadline);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The id that, with a request number, makes this client's commands exactly-once. */
    public UUID clientId() {
        return clientId;
    }

    /**
     * Executes a command, exactly once, and returns its result.
     *
     * @param commandJson the application's command, as JSON
     * @throws RejectedException          if the application rejected it
     * @throws MalformedCommandException  if the node could not read it or it is too large
     * @throws StaleRequestException      if the cluster refused the request number
     * @throws OutcomeUnknownException    if the call gave up when the command may have been executed
     * @throws UnavailableException       if the call gave up before any node could have executed it
     * @throws UnexpectedResponseException if a node answered outside the REST contract
     */
    public CommandResult submit(String commandJson) throws InterruptedException {
        Objects.requireNonNull(commandJson, "commandJson");
        submitting.lockInterruptibly();
        try {
            long requestNumber = ++lastRequestNumber; // taken, unless an answer proves no node recorded it
            RetryLoop.Call call = new RetryLoop.Call(RetryLoop.Kind.EXACTLY_ONCE, COMMANDS, commandJson,
                    Map.of(CLIENT_ID, clientId.toString(), REQUEST_NUMBER, Long.toString(requestNumber)),
                    "command " + requestNumber + " of client " + clientId);
            RetryLoop.Reply reply;
            try {
                reply = retryLoop.run(call);
            } catch (UnavailableException neverDelivered) {
                lastRequestNumber--; // no attempt reached a node that could record the number
                throw neverDelivered;
            }
            Transport.Answer answer = reply.answer();
            if ((answer.status() == 400 || answer.status() == 413) && !reply.mayHaveExecuted()) {
                lastRequestNumber--; // refused unread, before any session could record it
            }
            return switch (answer.status()) {
                case 200 -> Json.commandResult(answer);
                case 422 -> throw Json.rejected(answer);
                case 400, 413 -> throw new MalformedCommandException(answer.status(), Json.error(answer));
                case 409 -> throw stale(call, reply);
                default -> throw new UnexpectedResponseException(answer.status(), Json.error(answer), null);
            };
        } finally {
            submitting.unlock();
        }
    }

    /**
     * A 409 means the number was refused, unless an earlier attempt may have executed the command:
     * then a retry found the session evicted, and the saved outcome went with it.
     */
    private static ChrononException stale(RetryLoop.Call call, RetryLoop.Reply reply) {
        StaleRequestException stale = new StaleRequestException(Json.error(reply.answer()));
        return reply.mayHaveExecuted()
                ? new OutcomeUnknownException("outcome of " + call.description()
                        + " unknown: a retry was refused after an attempt that may have executed it", stale)
                : stale;
    }

    /**
     * Executes several commands in one request, answered in order. A batch carries no request
     * numbers, so it is not exactly-once: it is retried only while no attempt can have reached a node,
     * and an attempt that may have arrived ends the call with {@link OutcomeUnknownException}.
     *
     * @param commandsJson the commands, each one JSON value
     * @return one outcome per command, in order
     * @throws IllegalArgumentException if a command is not one JSON value
     * @throws MalformedCommandException if the node could not read the batch or it is too large
     */
    public List<CommandOutcome> submitBatch(List<String> commandsJson) throws InterruptedException {
        RetryLoop.Reply reply = retryLoop.run(new RetryLoop.Call(RetryLoop.Kind.AT_MOST_ONCE, BATCH,
                Json.array(commandsJson), Map.of(), "a batch of " + commandsJson.size() + " commands"));
        Transport.Answer answer = reply.answer();
        return switch (answer.status()) {
            case 200 -> Json.batch(answer, commandsJson.size());
            case 400, 413 -> throw new MalformedCommandException(answer.status(), Json.error(answer));
            default -> throw new UnexpectedResponseException(answer.status(), Json.error(answer), null);
        };
    }

    /** Answers a query linearizably: the result reflects every command committed before the call. */
    public QueryResult query(String queryJson) throws InterruptedException {
        return query(queryJson, QUERIES, "a query");
    }

    /**
     * Answers a query from whichever node is called, without asking the others: cheaper, but it may
     * miss recently committed commands.
     */
    public QueryResult queryLocal(String queryJson) throws InterruptedException {
        return query(queryJson, QUERIES + "?consistency=local", "a local query");
    }

    private QueryResult query(String queryJson, String path, String description) throws InterruptedException {
        Objects.requireNonNull(queryJson, "queryJson");
        Transport.Answer answer = retryLoop.run(
                new RetryLoop.Call(RetryLoop.Kind.READ, path, queryJson, Map.of(), description)).answer();
        return switch (answer.status()) {
            case 200 -> Json.queryResult(answer);
            case 400, 413 -> throw new MalformedCommandException(answer.status(), Json.error(answer));
            default -> throw new UnexpectedResponseException(answer.status(), Json.error(answer), null);
        };
    }

    /**
     * Asks one node for its status, once: for monitoring, where a retry on another node would
     * answer a different question.
     *
     * @param baseUrl the node's base URL, {@code http://host:port}
     * @throws UnavailableException if the node does not answer within the attempt timeout
     */
    public NodeStatus status(String baseUrl) throws InterruptedException {
        URI node = NodeSelector.baseUri(baseUrl);
        return switch (transport.send(NodeSelector.endpoint(node, NodeSelector.STATUS_PATH), null, Map.of(),
                attemptTimeout)) {
            case Transport.Answer a when a.status() == 200 -> Json.status(a);
            case Transport.Answer a -> throw new UnexpectedResponseException(a.status(), Json.error(a), null);
            case Transport.NotDelivered n -> throw new UnavailableException("could not connect to " + node, n.cause());
            case Transport.Lost l -> throw new UnavailableException("no answer from " + node, l.cause());
        };
    }

    /** Closes the HTTP client, waiting for calls in flight. */
    @Override
    public void close() {
        transport.close();
    }

    /** Configures a {@link ChrononClient}. Only the nodes are required. */
    public static final class Builder {
        private final List<URI> nodes = new ArrayList<>();
        private UUID clientId = UUID.randomUUID();
        private Duration attemptTimeout = Duration.ofSeconds(5);
        private Duration deadline = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder() {
        }

        /** Adds nodes to call, by base URL ({@code http://host:port}); any member of the cluster will do. */
        public Builder nodes(String... baseUrls) {
            return nodes(List.of(baseUrls));
        }

        /** Adds nodes to call, by base URL ({@code http://host:port}); any member of the cluster will do. */
        public Builder nodes(List<String> baseUrls) {
            baseUrls.forEach(url -> nodes.add(NodeSelector.baseUri(url)));
            return this;
        }

        /**
         * The client's id (default: a random UUID). Reuse an id only to continue the session of a
         * client that is gone: two live clients with one id refuse each other's request numbers.
         */
        public Builder clientId(UUID clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /** How long one attempt on one node may take before the next is tried (default 5 s). */
        public Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
            return this;
        }

        /** How long one call may take, all attempts included, before it gives up (default 30 s). */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /** The backoff between attempts: doubling from {@code initial} up to {@code max} (default 50 ms, 2 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /** The source of the backoff's jitter (default {@link RandomGenerator#getDefault()}); seed it in tests. */
        public Builder jitter(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * @throws IllegalArgumentException if no node was given or the backoff's initial delay exceeds
         *                                  its maximum
         */
        public ChrononClient build() {
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("a client needs at least one node");
            }
            return new ChrononClient(this);
        }

        private static Duration positive(Duration duration, String name) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
