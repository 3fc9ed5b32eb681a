package io.chronon.quarkus.api;

import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
    CommandGateway gateway;

    @POST
    public CompletionStage<Response> query(@QueryParam("consistency") String consistency,
                                           @HeaderParam(PrimaryForwarder.FORWARDED_BY) String forwardedBy,
                                           byte[] body) {
        return gateway.query(consistency, forwardedBy, body).thenApply(CommandAnswers.Answer::response);
    }
}
