package io.chronon.quarkus.api;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.engine.Entry;
import io.chronon.node.NodeOutput;
import io.chronon.quarkus.ApplicationJson;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;
import io.chronon.vsr.ReadConsistency;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * One command or query, from raw JSON to its answer, whichever API it came through (REST or gRPC):
 * size limit, strict parsing, the session headers, forwarding from a backup to the primary, the
 * timeout, and the status codes of the contract.
 */
@Singleton
public class CommandGateway {
    private final ChrononNode node;
    private final ChrononConfig config;
    private final PrimaryForwarder forwarder;
    private final Tracer tracer;

    /** The client session a request names, or none. */
    record Session(UUID client, long requestNumber) {
        static final Session NONE = new Session(Entry.NO_CLIENT, 0);
    }

    @Inject
    public CommandGateway(ChrononNode node, ChrononConfig config, PrimaryForwarder forwarder, Tracer tracer) {
        this.node = node;
        this.tracer = tracer;
        this.config = config;
        this.forwarder = forwarder;
    }

    /**
     * @param clientId      the {@code Chronon-Client-Id}, or null
     * @param requestNumber the {@code Chronon-Request-Number}, or null
     * @param forwardedBy   set when a backup forwarded this request here (it is not forwarded again)
     */
    CompletionStage<CommandAnswers.Answer> submit(String clientId, String requestNumber, String forwardedBy,
                                                  byte[] body) {
        CommandAnswers.Answer refused = CommandAnswers.tooLarge(body, config.maxCommandBytes());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Session session;
        byte[] command;
        try {
            session = session(clientId, requestNumber);
            command = node.json().command(body);
        } catch (ApplicationJson.MalformedException e) {
            return CompletableFuture.completedFuture(CommandAnswers.error(400, e.getMessage(), false));
        }
        Optional<String> primary = forwarder.target(forwardedBy);
        if (primary.isPresent()) {
            return forwarder.forward(primary.get(), "/chronon/commands", body, clientId, requestNumber, true);
        }
        return call(session, command);
    }

    /** @param consistency {@code linearizable} (the default, also for null) or {@code local} */
    CompletionStage<CommandAnswers.Answer> query(String consistency, String forwardedBy, byte[] body) {
        CommandAnswers.Answer refused = CommandAnswers.tooLarge(body, config.maxCommandBytes());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        byte[] query;
        try {
            query = node.json().query(body);
        } catch (ApplicationJson.MalformedException e) {
            return CompletableFuture.completedFuture(CommandAnswers.error(400, e.getMessage(), false));
        }
        boolean local;
        switch (consistency == null ? "linearizable" : consistency) {
            case "linearizable" -> local = false;
            case "local" -> local = true;
            default -> {
                return CompletableFuture.completedFuture(CommandAnswers.error(400, "consistency=" + consistency
                        + " is not one of linearizable, local", false));
            }
        }
        if (!local) {
            Optional<String> primary = forwarder.target(forwardedBy);
            if (primary.isPresent()) {
                return forwarder.forward(primary.get(), "/chronon/queries", body, null, null, false);
            }
        }
        CompletableFuture<NodeOutput.ReadAnswer> answer;
        try {
            answer = local ? node.queryLocal(query) : node.query(query, ReadConsistency.LINEARIZABLE);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CommandAnswers.failure(e));
        }
        return answer.orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(this::readAnswer)
                .exceptionally(CommandAnswers::failure);
    }

    private CommandAnswers.Answer readAnswer(NodeOutput.ReadAnswer answer) {
        return switch (answer) {
            case NodeOutput.ReadAnswer.Done done -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("index", done.index());
                body.set("result", node.json().result(done.result()));
                yield new CommandAnswers.Answer(200, body, false);
            }
            case NodeOutput.ReadAnswer.Refused refused -> CommandAnswers.refused(refused.refusal());
            case NodeOutput.ReadAnswer.Malformed malformed -> CommandAnswers.error(400, malformed.message(), false);
        };
    }

    /**
     * Proposes one command and waits for its answer, in a span of its own (the trace then follows
     * the command to the delivery of its effects).
     */
    CompletableFuture<CommandAnswers.Answer> call(Session session, byte[] command) {
        Span span = tracer.spanBuilder("chronon command").startSpan();
        if (!session.client().equals(Entry.NO_CLIENT)) {
            span.setAttribute("chronon.client.id", session.client().toString());
            span.setAttribute("chronon.request.number", session.requestNumber());
        }
        CompletableFuture<CommandAnswers.Answer> answer;
        try (Scope current = span.makeCurrent()) {
            answer = node.command(session.client(), session.requestNumber(), command)
                    .orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(done -> CommandAnswers.of(done, node.json()))
                    .exceptionally(CommandAnswers::failure);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(CommandAnswers.failure(e));
        }
        return answer.whenComplete((done, error) -> {
            if (done != null) {
                span.setAttribute("chronon.status", done.status());
                if (done.body().has("index")) {
                    span.setAttribute("chronon.index", done.body().get("index").asLong());
                    span.setAttribute("chronon.view", done.body().path("view").asLong());
                }
                if (done.status() >= 500) {
                    span.setStatus(StatusCode.ERROR, done.body().path("error").asText());
                }
            }
            span.end();
        });
    }

    static Session session(String clientId, String requestNumber) {
        if (clientId == null && requestNumber == null) {
            return Session.NONE;
        }
        if (clientId == null || requestNumber == null) {
            throw new ApplicationJson.MalformedException(CommandResource.CLIENT_ID + " and "
                    + CommandResource.REQUEST_NUMBER + " go together");
        }
        UUID client;
        long number;
        try {
            client = UUID.fromString(clientId.trim());
        } catch (IllegalArgumentException e) {
            throw new ApplicationJson.MalformedException(CommandResource.CLIENT_ID + " is not a UUID: " + clientId);
        }
        try {
            number = Long.parseLong(requestNumber.trim());
        } catch (NumberFormatException e) {
            throw new ApplicationJson.MalformedException(CommandResource.REQUEST_NUMBER + " is not a whole number: "
                    + requestNumber);
        }
        if (number < 1) {
            throw new ApplicationJson.MalformedException(CommandResource.REQUEST_NUMBER + " starts at 1, not "
                    + number);
        }
        if (client.equals(Entry.NO_CLIENT)) {
            throw new ApplicationJson.MalformedException(CommandResource.CLIENT_ID + " " + client + " is reserved");
        }
        return new Session(client, number);
    }
}
