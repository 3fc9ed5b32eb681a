package io.chronon.quarkus.api;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.FaultInjection;

/**
 * {@code GET/PUT /chronon/test/faults}: the chaos harness's handle on a running node,
 * {@code {"diskBarrierDelayMillis":N,"clockOffsetMillis":M}} (a PUT sets both; an absent field is 0).
 * Answers 404 unless {@code chronon.test.fault-control=true}, and is an admin endpoint.
 */
@Path("/chronon/test/faults")
@Produces(MediaType.APPLICATION_JSON)
public class FaultResource {
    private static final long MAX_BARRIER_DELAY_MILLIS = 60_000;

    @Inject
    FaultInjection faults;

    @Inject
    ChrononConfig config;

    @GET
    public Response get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response refused = refusal(authorization);
        return refused != null ? refused : Response.ok(describe()).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response set(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, JsonNode body) {
        Response refused = refusal(authorization);
        if (refused != null) {
            return refused;
        }
        if (body == null || !body.isObject()) {
            return ApiErrors.error(400, "send {\"diskBarrierDelayMillis\":N,\"clockOffsetMillis\":M}");
        }
        JsonNode delay = body.path("diskBarrierDelayMillis");
        JsonNode offset = body.path("clockOffsetMillis");
        if (!delay.isMissingNode() && !delay.canConvertToLong() || !offset.isMissingNode() && !offset.canConvertToLong()) {
            return ApiErrors.error(400, "diskBarrierDelayMillis and clockOffsetMillis are whole numbers of milliseconds");
        }
        long delayMillis = delay.asLong(0);
        if (delayMillis < 0 || delayMillis > MAX_BARRIER_DELAY_MILLIS) {
            return ApiErrors.error(400, "diskBarrierDelayMillis must be between 0 and " + MAX_BARRIER_DELAY_MILLIS
                    + ", not " + delayMillis);
        }
        faults.set(Duration.ofMillis(delayMillis), Duration.ofMillis(offset.asLong(0)));
        return Response.ok(describe()).build();
    }

    private Response refusal(String authorization) {
        if (!faults.controllable()) {
            return ApiErrors.error(404, "fault control is off: it needs chronon.test.fault-control=true");
        }
        return AdminAccess.refusal(config.adminToken(), authorization);
    }

    private ObjectNode describe() {
        return JsonNodeFactory.instance.objectNode().put("diskBarrierDelayMillis", faults.diskBarrierDelay().toMillis())
                .put("clockOffsetMillis", faults.clockOffset().toMillis());
    }
}
