package io.chronon.quarkus.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.node.NodeOutput;
import io.chronon.quarkus.ApplicationJson;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;
import io.chronon.vsr.ReadConsistency;

/**
 * {@code POST /chronon/queries}: reads the state without writing the log. Linearizable by default
 * (the primary confirms it still leads, then answers from a state that includes every committed
 * entry; a backup forwards it to the primary); {@code ?consistency=local} answers at once from this
 * node's state, possibly stale.
 */
@Path("/chronon/queries")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class QueryResource {
    @Inject
    ChrononNode node;

    @Inject
    ChrononConfig config;

    @Inject
    PrimaryForwarder forwarder;

    @POST
    public CompletionStage<Response> query(@QueryParam("consistency") String consistency,
                                           @HeaderParam(PrimaryForwarder.FORWARDED_BY) String forwardedBy,
                                           byte[] body) {
        Response tooLarge = ApiErrors.tooLarge(body, config.maxCommandBytes());
        if (tooLarge != null) {
            return CompletableFuture.completedFuture(tooLarge);
        }
        byte[] query;
        try {
            query = node.json().query(body);
        } catch (ApplicationJson.MalformedException e) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, e.getMessage()));
        }
        if (consistency == null || consistency.equals("linearizable")) {
            Optional<String> primary = forwarder.target(forwardedBy);
            if (primary.isPresent()) {
                return forwarder.forward(primary.get(), "/chronon/queries", body, null, null, false);
            }
        }
        CompletableFuture<NodeOutput.ReadAnswer> answer;
        try {
            answer = switch (consistency == null ? "linearizable" : consistency) {
                case "linearizable" -> node.query(query, ReadConsistency.LINEARIZABLE);
                case "local" -> node.queryLocal(query);
                default -> null;
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CommandAnswers.failure(e).response());
        }
        if (answer == null) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, "consistency=" + consistency
                    + " is not one of linearizable, local"));
        }
        return answer.orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(this::response)
                .exceptionally(error -> CommandAnswers.failure(error).response());
    }

    private Response response(NodeOutput.ReadAnswer answer) {
        return switch (answer) {
            case NodeOutput.ReadAnswer.Done done -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("index", done.index());
                body.set("result", node.json().result(done.result()));
                yield Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
            }
            case NodeOutput.ReadAnswer.Refused refused -> CommandAnswers.refused(refused.refusal()).response();
            case NodeOutput.ReadAnswer.Malformed malformed -> ApiErrors.error(400, malformed.message());
        };
    }
}
