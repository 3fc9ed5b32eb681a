package io.chronon.quarkus.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.NodeStatus;
import io.quarkus.runtime.LaunchMode;

/**
 * Dev and test mode only: the replicas of an in-process dev cluster ({@code chronon.dev.replicas}),
 * and stopping and starting them to watch a failover and a recovery happen.
 */
@Path("/chronon/dev/replicas")
@Produces(MediaType.APPLICATION_JSON)
public class DevClusterResource {
    @Inject
    ChrononNode node;

    @GET
    public Response replicas() {
        Response refused = refusedOutsideDev();
        if (refused != null) {
            return refused;
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (NodeStatus status : node.localStatuses()) {
            list.addObject().put("id", status.nodeId()).put("role", status.role().name()).put("view", status.view())
                    .put("commitIndex", status.commitIndex()).put("appliedIndex", status.appliedIndex());
        }
        return Response.ok(list, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("/{id}/stop")
    public Response stop(@PathParam("id") int id) {
        Response refused = refusedOutsideDev();
        if (refused != null) {
            return refused;
        }
        try {
            node.stopReplica(id);
        } catch (IllegalStateException e) {
            return ApiErrors.error(409, e.getMessage());
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/start")
    public Response start(@PathParam("id") int id) {
        Response refused = refusedOutsideDev();
        if (refused != null) {
            return refused;
        }
        try {
            node.restartReplica(id);
        } catch (IllegalStateException e) {
            return ApiErrors.error(409, e.getMessage());
        }
        return Response.noContent().build();
    }

    private static Response refusedOutsideDev() {
        LaunchMode mode = LaunchMode.current();
        return mode == LaunchMode.DEVELOPMENT || mode == LaunchMode.TEST ? null
                : ApiErrors.error(404, "the dev cluster endpoints exist in dev and test mode only");
    }
}
