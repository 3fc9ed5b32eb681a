package io.chronon.quarkus.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.kernel.Outcome;
import io.chronon.node.NodeOutput;
import io.chronon.quarkus.ApplicationJson;
import io.chronon.vsr.Output;

/** How the node's answers become HTTP answers: the status codes of the REST contract. */
final class CommandAnswers {
    private CommandAnswers() {
    }

    /**
     * A status and a JSON body: one answer, alone or in a batch, over REST or gRPC. The body is an
     * object, except for a batch's answer relayed from the primary (an array).
     */
    record Answer(int status, JsonNode body, boolean retryLater) {
        Response response() {
            Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(body);
            return retryLater ? response.header("Retry-After", "1").build() : response.build();
        }
    }

    static Answer of(NodeOutput.Answer answer, ApplicationJson json) {
        return switch (answer) {
            case NodeOutput.Answer.Done done -> done(done, json);
            case NodeOutput.Answer.Refused refused -> refused(refused.refusal());
            case NodeOutput.Answer.Unknown unknown -> error(504, "the view changed before the command committed here:"
                    + " its outcome is unknown; retry with the same client id and request number", false);
        };
    }

    private static Answer done(NodeOutput.Answer.Done done, ApplicationJson json) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (done.index() >= 0) {
            body.put("index", done.index());
        }
        body.put("view", done.view());
        return switch (done.outcome()) {
            case Outcome.Completed completed -> {
                body.set("result", json.result(completed.result()));
                yield new Answer(200, body, false);
            }
            case Outcome.Rejected rejected -> {
                body.putObject("rejection").put("code", rejected.rejection().code())
                        .put("message", rejected.rejection().message());
                yield new Answer(422, body, false);
            }
            case Outcome.Failed failed -> {
                body.put("error", "the application failed applying the command: " + failed.error());
                yield new Answer(500, body, false);
            }
            case Outcome.SessionExpired expired -> {
                body.put("error", "no session for this client id: it was evicted, or its first request number was"
                        + " not 1; start a new client id at request number 1");
                yield new Answer(409, body, false);
            }
            case Outcome.StaleRequest stale -> {
                body.put("error", "request number older than this client's latest, "
                        + stale.latestRequestNumber());
                body.put("latestRequestNumber", stale.latestRequestNumber());
                yield new Answer(409, body, false);
            }
        };
    }

    static Answer refused(Output.Refusal refusal) {
        return switch (refusal) {
            case OVERLOADED -> error(429, "the primary's queue is full: retry after a while", true);
            case VIEW_CHANGE -> error(503, "a view change is in progress: retry shortly", true);
            case RECOVERING -> error(503, "this replica is recovering its state: retry shortly", true);
            case NOT_PRIMARY -> error(503, "this replica is not the primary and cannot reach it: retry shortly", true);
        };
    }

    /** A call that ended without an answer from the node. */
    static Answer failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return error(504, "no answer in time: the outcome is unknown; retry with the same client id and"
                    + " request number", false);
        }
        return error(503, cause.getMessage(), true);
    }

    static Answer error(int status, String message, boolean retryLater) {
        return new Answer(status, ApiErrors.body(message), retryLater);
    }

    static Answer tooLarge(byte[] body, int maxBytes) {
        return body.length <= maxBytes ? null : error(413, "the body has " + body.length
                + " bytes, more than chronon.max-command-bytes=" + maxBytes, false);
    }
}
