package io.chronon.quarkus.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.quarkus.CommittedEntries;
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code GET /chronon/watch}: server-sent events, one per committed entry this node applies from the
 * moment of the request on (index, view, timestamp, hashes, client session, the command and its
 * outcome as JSON, the effects it emitted). For history before that, see the log.
 */
@Path("/chronon/watch")
public class WatchResource {
    @Inject
    CommittedEntries entries;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ObjectNode> watch() {
        return entries.watch();
    }
}
