package io.chronon.quarkus.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.NodeStatus;

/** {@code GET /chronon/status}: this node's role, view and progress, and the members it knows. */
@Path("/chronon/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    @Inject
    ChrononNode node;

    @GET
    public ObjectNode status() {
        NodeStatus status = node.status();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("nodeId", status.nodeId());
        body.put("clusterId", status.clusterId() == null ? null : status.clusterId().toString());
        body.put("application", status.application());
        body.put("role", status.role().name());
        body.put("view", status.view());
        if (status.commitIndex() < 0) {
            body.putNull("commitIndex");
        } else {
            body.put("commitIndex", status.commitIndex());
        }
        if (status.appliedIndex() < 0) {
            body.putNull("appliedIndex");
        } else {
            body.put("appliedIndex", status.appliedIndex());
        }
        if (status.primaryId() < 0) {
            body.putNull("primaryId");
        } else {
            body.put("primaryId", status.primaryId());
        }
        if (status.crash() != null) {
            body.put("crash", status.crash());
        }
        if (status.replayDivergence() != null) {
            body.put("replayDivergence", status.replayDivergence());
        }
        ArrayNode members = body.putArray("members");
        List<NodeStatus.Member> known = status.members();
        for (NodeStatus.Member member : known) {
            members.addObject().put("id", member.id()).put("address", member.address()).put("healthy", member.healthy());
        }
        return body;
    }
}
