package io.chronon.quarkus.api;

import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.kernel.Executor;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.CommittedEntries;
import io.chronon.quarkus.HistoryIndex;
import io.chronon.quarkus.JsonDiff;

/**
 * Time travel (admin endpoints): {@code GET /chronon/log} lists applied entries with their decoded
 * commands, outcomes, effects and causes; {@code GET /chronon/state?at=N} is the application's state
 * after entry N; {@code GET /chronon/diff?from=A&to=B} the changes between two states, at RFC 6901
 * paths. All rebuilt from the history of the replica serving the API ({@link HistoryIndex}).
 * An index beyond the applied history is 404, one no longer retained 410, with the range there is.
 */
@Path("/chronon")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {
    /** The most entries one page of the log returns. */
    static final int MAX_LIMIT = 1_000;
    /** The most entries one page scans for its filters, so that a rare match cannot make it unbounded. */
    static final int MAX_SCAN = 10_000;

    @Inject
    ChrononNode node;

    @Inject
    ChrononConfig config;

    @GET
    @Path("/log")
    public Response log(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("from") String from,
                        @QueryParam("limit") String limit, @QueryParam("type") String type,
                        @QueryParam("client") String client) {
        return answer(authorization, () -> {
            HistoryIndex history = node.history();
            long start = from == null ? Math.max(history.earliestEntry(), 0) : index("from", from);
            int count = limit == null ? 100 : (int) bounded("limit", limit, 1, MAX_LIMIT);
            UUID clientId = client == null ? null : clientId(client);
            long latest = history.latest();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode entries = body.putArray("entries");
            if (start > latest) {
                return range(404, "from=" + start + " is beyond the applied history, which ends at " + latest, history);
            }
            // Without filters a page is exactly its entries; with them, at most MAX_SCAN are examined.
            long window = type == null && clientId == null ? count : MAX_SCAN;
            long end = Math.min(latest, start + window - 1);
            long next = end + 1;
            for (Executor.Result result : history.results(start, end)) {
                ObjectNode entry = CommittedEntries.render(result, node.json());
                if (matches(entry, type, clientId)) {
                    if (entries.size() == count) {
                        next = result.index();
                        break;
                    }
                    entries.add(entry);
                }
            }
            if (next > latest) {
                body.putNull("next");
            } else {
                body.put("next", next);
            }
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/state")
    public Response state(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("at") String at) {
        return answer(authorization, () -> {
            if (at == null) {
                throw new BadParameter("give the index: /chronon/state?at=N");
            }
            long index = index("at", at);
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("index", index);
            body.set("state", stateAt(index));
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/diff")
    public Response diff(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("from") String from,
                         @QueryParam("to") String to) {
        return answer(authorization, () -> {
            if (from == null || to == null) {
                throw new BadParameter("give both versions: /chronon/diff?from=A&to=B");
            }
            long older = index("from", from);
            long newer = index("to", to);
            if (older > newer) {
                throw new BadParameter("from=" + older + " is after to=" + newer);
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("from", older).put("to", newer);
            ArrayNode changes = body.putArray("changes");
            for (JsonDiff.Change change : JsonDiff.diff(stateAt(older), stateAt(newer))) {
                ObjectNode item = changes.addObject().put("path", change.path()).put("op", change.op());
                item.set("old", change.oldValue());
                item.set("new", change.newValue());
            }
            return Response.ok(body).build();
        });
    }

    /** Runs one request after the admin check, turning what went wrong into its status. */
    private Response answer(String authorization, Supplier<Response> request) {
        Response refused = AdminAccess.refusal(config.adminToken(), authorization);
        if (refused != null) {
            return refused;
        }
        try {
            return request.get();
        } catch (BadParameter bad) {
            return ApiErrors.error(400, bad.getMessage());
        } catch (HistoryIndex.Unavailable unavailable) {
            return unavailable(unavailable);
        } catch (RuntimeException e) {
            return CommandAnswers.failure(e).response();
        }
    }

    private JsonNode stateAt(long index) {
        return node.json().mapper().valueToTree(node.history().viewAt(index));
    }

    private static boolean matches(ObjectNode entry, String type, UUID client) {
        if (client != null && !client.toString().equals(entry.path("clientId").asText(null))) {
            return false;
        }
        if (type == null) {
            return true;
        }
        JsonNode command = entry.path("command");
        String kind = command.isObject() ? command.path("type").asText(null) : entry.path("kernel").asText(null);
        return type.equals(kind);
    }

    private static Response unavailable(HistoryIndex.Unavailable unavailable) {
        return unavailable.compacted()
                ? rangeOf(410, unavailable.getMessage(), unavailable.earliest(), unavailable.latest())
                : rangeOf(404, unavailable.getMessage(), unavailable.earliest(), unavailable.latest());
    }

    private static Response range(int status, String message, HistoryIndex history) {
        return rangeOf(status, message, history.earliest(), history.latest());
    }

    private static Response rangeOf(int status, String message, long earliest, long latest) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", message);
        body.put("earliest", earliest).put("latest", latest);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** A query parameter that is not what it should be: 400. */
    private static final class BadParameter extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParameter(String message) {
            super(message);
        }
    }

    private static long index(String name, String value) {
        return bounded(name, value, 0, Long.MAX_VALUE);
    }

    private static long bounded(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParameter(name + "=" + value + " is not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw new BadParameter(name + "=" + parsed + " is out of range: " + min + " to " + max);
        }
        return parsed;
    }

    private static UUID clientId(String value) {
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadParameter("client=" + value + " is not a client id (a UUID)");
        }
    }
}
