package io.chronon.quarkus.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.Outbox;
import io.chronon.node.NodeOutput;
import io.chronon.quarkus.AcknowledgedEffects;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;

/**
 * {@code GET /chronon/outbox}: the effects not yet acknowledged, pending or failed, and the ones
 * acknowledged most recently ({@code acknowledged}, newest first, at most {@code limit}, default
 * 100), each with whether its sink suppressed a duplicate delivery. Each effect has its {@code sink},
 * the kind of effect the application gave it ({@code statements}), and its {@code route}, where the
 * configuration sends that kind ({@code journal}, {@code postgresql}, {@code kafka}, or the name of
 * an {@code EffectSink} bean; see {@link ChrononNode#routeOf});
 * {@code POST /chronon/outbox/{id}/retry}: deliver a failed effect again (through the log, so every
 * replica agrees). Both are admin endpoints.
 */
@Path("/chronon/outbox")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxResource {
    @Inject
    ChrononNode node;

    @Inject
    ChrononConfig config;

    @GET
    public CompletionStage<Response> effects(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                             @QueryParam("limit") @DefaultValue("100") int limit) {
        Response refused = AdminAccess.refusal(config.adminToken(), authorization);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        if (limit < 0 || limit > AcknowledgedEffects.KEPT) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, "limit must be between 0 and "
                    + AcknowledgedEffects.KEPT + ", not " + limit));
        }
        try {
            List<AcknowledgedEffects.Acknowledged> acknowledged = node.acknowledged().newest(limit);
            return node.outbox().orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(pending -> describe(pending, acknowledged, node::routeOf))
                    .exceptionally(error -> CommandAnswers.failure(error).response());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CommandAnswers.failure(e).response());
        }
    }

    private static Response describe(List<Outbox.Pending> effects, List<AcknowledgedEffects.Acknowledged> done,
                                     Function<String, String> routes) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("effects");
        for (Outbox.Pending effect : effects) {
            ObjectNode item = list.addObject().put("id", effect.id().toString()).put("index", effect.index())
                    .put("sink", effect.sink()).put("route", routes.apply(effect.sink()))
                    .put("status", effect.status().name()).put("attempts", effect.attempts());
            if (effect.lastError() == null) {
                item.putNull("lastError");
            } else {
                item.put("lastError", effect.lastError());
            }
            item.put("duplicatesSuppressed", 0);
        }
        ArrayNode acknowledged = body.putArray("acknowledged");
        for (AcknowledgedEffects.Acknowledged effect : done) {
            acknowledged.addObject().put("id", effect.id().toString()).put("index", effect.index())
                    .put("sink", effect.sink()).put("route", routes.apply(effect.sink())).put("status", "DONE")
                    .put("acknowledgedAt", effect.acknowledgedAt())
                    .put("duplicatesSuppressed", effect.duplicateSuppressed() ? 1 : 0);
        }
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A retry entry always applies (a no-op for an effect that is not failed); other answers as for commands. */
    private Response retried(EffectId effect, NodeOutput.Answer answer) {
        if (answer instanceof NodeOutput.Answer.Done done) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("index", done.index()).put("view", done.view())
                    .put("effect", effect.toString());
            return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
        }
        return CommandAnswers.of(answer, node.json()).response();
    }

    @POST
    @Path("/{id}/retry")
    public CompletionStage<Response> retry(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                           @PathParam("id") String id) {
        Response refused = AdminAccess.refusal(config.adminToken(), authorization);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        EffectId effect;
        try {
            effect = EffectId.parse(id);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ApiErrors.error(400, "not an effect id: " + id));
        }
        try {
            return node.retryEffect(effect).orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(answer -> retried(effect, answer))
                    .exceptionally(error -> CommandAnswers.failure(error).response());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CommandAnswers.failure(e).response());
        }
    }
}
