package io.chronon.quarkus.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.engine.Entry;
import io.chronon.quarkus.ApplicationJson;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;

/**
 * {@code POST /chronon/commands} and {@code /chronon/commands/batch}: commands go through the log and
 * are answered once committed and applied. {@code Chronon-Client-Id} and
 * {@code Chronon-Request-Number} make a retry exactly-once: the node answers it from the replicated
 * session table instead of applying it again. A backup forwards commands to the primary.
 */
@Path("/chronon/commands")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class CommandResource {
    static final String CLIENT_ID = "Chronon-Client-Id";
    static final String REQUEST_NUMBER = "Chronon-Request-Number";

    @Inject
    ChrononNode node;

    @Inject
    ChrononConfig config;

    @Inject
    CommandGateway gateway;

    @Inject
    PrimaryForwarder forwarder;

    @POST
    public CompletionStage<Response> submit(@HeaderParam(CLIENT_ID) String clientId,
                                            @HeaderParam(REQUEST_NUMBER) String requestNumber,
                                            @HeaderParam(PrimaryForwarder.FORWARDED_BY) String forwardedBy,
                                            byte[] body) {
        return gateway.submit(clientId, requestNumber, forwardedBy, body).thenApply(CommandAnswers.Answer::response);
    }

    /**
     * Many commands, answered in order, as a JSON array of {@code {"status", …body}}. With a session,
     * the commands take request numbers from the one given, one each. If any command is malformed,
     * none is proposed.
     */
    @POST
    @Path("/batch")
    public CompletionStage<Response> submitBatch(@HeaderParam(CLIENT_ID) String clientId,
                                                 @HeaderParam(REQUEST_NUMBER) String requestNumber,
                                                 @HeaderParam(PrimaryForwarder.FORWARDED_BY) String forwardedBy,
                                                 byte[] body) {
        CommandAnswers.Answer refused = CommandAnswers.tooLarge(body, config.maxCommandBytes());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused.response());
        }
        CommandGateway.Session first;
        List<byte[]> commands = new ArrayList<>();
        try {
            first = CommandGateway.session(clientId, requestNumber);
            JsonNode array = node.json().mapper().readTree(body);
            if (array == null || !array.isArray() || array.isEmpty()) {
                return CompletableFuture.completedFuture(ApiErrors.error(400,
                        "a batch is a non-empty JSON array of commands"));
            }
            for (JsonNode command : array) {
                commands.add(node.json().command(node.json().mapper().writeValueAsBytes(command)));
            }
        } catch (ApplicationJson.MalformedException e) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, e.getMessage()));
        } catch (JsonProcessingException e) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, "the body is not a JSON array: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, "the body is not a JSON array"));
        }
        Optional<String> primary = forwarder.target(forwardedBy);
        if (primary.isPresent()) {
            return forwarder.forward(primary.get(), "/chronon/commands/batch", body, clientId, requestNumber, true)
                    .thenApply(CommandAnswers.Answer::response);
        }
        List<CompletableFuture<CommandAnswers.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            CommandGateway.Session session = first.client().equals(Entry.NO_CLIENT) ? first
                    : new CommandGateway.Session(first.client(), first.requestNumber() + i);
            answers.add(gateway.call(session, commands.get(i)));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ArrayNode results = JsonNodeFactory.instance.arrayNode();
            for (CompletableFuture<CommandAnswers.Answer> answer : answers) {
                CommandAnswers.Answer one = answer.join();
                ObjectNode item = results.addObject().put("status", one.status());
                item.setAll((ObjectNode) one.body());
            }
            return Response.ok(results, MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
