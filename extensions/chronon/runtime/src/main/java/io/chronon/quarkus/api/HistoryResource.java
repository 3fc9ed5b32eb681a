package io.chronon.quarkus.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.Hash;
import io.chronon.engine.StorageCorruptionException;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.quarkus.AcknowledgedEffects;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.CommittedEntries;
import io.chronon.quarkus.HistoryBundle;
import io.chronon.quarkus.HistoryIndex;
import io.chronon.quarkus.HistoryReplay;
import io.chronon.quarkus.JsonDiff;
import io.chronon.quarkus.LongOperations;
import io.chronon.quarkus.peer.PeerWire;

/**
 * Time travel (admin endpoints): {@code GET /chronon/log} lists applied entries with their decoded
 * commands, outcomes, effects and causes; {@code GET /chronon/state?at=N} is the application's state
 * after entry N; {@code GET /chronon/diff?from=A&to=B} the changes between two states, at RFC 6901
 * paths; {@code GET /chronon/causality} follows an entry (by index, effect id or client request) to
 * its effects and their acknowledgements, or a value in the state back to the entries that wrote it;
 * {@code GET /chronon/verify} rechecks a range of the log (checksums, hash chain) by replaying it and
 * compares this replica's digests at checkpoints with every other replica's. All rebuilt from the history of the replica serving the API ({@link HistoryIndex}).
 * An index beyond the applied history is 404, one no longer retained 410, with the range there is.
 */
@Path("/chronon")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {
    /** The most entries one page of the log returns. */
    static final int MAX_LIMIT = 1_000;
    /** The most entries one page scans for its filters, so that a rare match cannot make it unbounded. */
    static final int MAX_SCAN = 10_000;
    /** The most entries a causality query examines. */
    static final int MAX_CAUSALITY_SCAN = 100_000;
    /** The largest bundle a replay request accepts. */
    static final int MAX_BUNDLE_BYTES = 512 << 20;
    /** The most entries one replay request re-executes. */
    static final int MAX_REPLAY = 1_000_000;
    /** The most entries one verification replays. */
    static final int MAX_VERIFY = 100_000;
    /** Entries replayed at a time while a causality query scans. */
    private static final int WINDOW = 4_096;

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
            // The entry after the last one (the whole log, while it is empty) is an empty page: a client
            // following the log asks for it until something is committed. Beyond that is 404.
            if (start > latest + 1) {
                return range(404, "from=" + start + " is beyond the applied history, which ends at " + latest, history);
            }
            // Without filters a page is exactly its entries; with them, at most MAX_SCAN are examined.
            long window = type == null && clientId == null ? count : MAX_SCAN;
            long end = Math.min(latest, start + window - 1);
            long next = end + 1;
            for (Executor.Result result : start > end ? List.<Executor.Result>of() : history.results(start, end)) {
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
    @Path("/operations")
    public Response operations(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answer(authorization, () -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode list = body.putArray("operations");
            for (LongOperations.View operation : node.operations().list()) {
                ObjectNode item = list.addObject().put("id", operation.id()).put("kind", operation.kind())
                        .put("description", operation.description()).put("state", operation.state().name())
                        .put("progress", operation.progress()).put("started", operation.started().toString());
                if (operation.finished() == null) {
                    item.putNull("finished");
                } else {
                    item.put("finished", operation.finished().toString());
                }
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
            render(JsonDiff.diff(stateAt(older), stateAt(newer)), body.putArray("changes"));
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/causality")
    public Response causality(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                              @QueryParam("index") String index, @QueryParam("effect") String effect,
                              @QueryParam("client") String client, @QueryParam("request") String request,
                              @QueryParam("path") String path, @QueryParam("at") String at,
                              @QueryParam("limit") String limit) {
        return answer(authorization, () -> {
            HistoryIndex history = node.history();
            if (path != null) {
                long upTo = at == null ? history.latest() : index("at", at);
                int count = limit == null ? 5 : (int) bounded("limit", limit, 1, 100);
                return Response.ok(writers(history, path, upTo, count)).build();
            }
            long entry;
            if (index != null) {
                entry = index("index", index);
            } else if (effect != null) {
                entry = entryOfEffect(history, effectId(effect));
            } else if (client != null && request != null) {
                entry = entryOfRequest(history, clientId(client), bounded("request", request, 1, Long.MAX_VALUE));
            } else {
                throw new BadParameter("say what to trace: index=N, effect=<effect id>, client=<client id>&request=<n>,"
                        + " or path=<JSON pointer into the state>[&at=N]");
            }
            return Response.ok(consequences(history, entry)).build();
        });
    }

    /**
     * An entry, the effects it produced, and what became of each: the kernel entries that
     * acknowledged, failed or retried it, and its status in the outbox if it is still there.
     */
    private ObjectNode consequences(HistoryIndex history, long index) {
        Executor.Result result = history.results(index, index).getFirst();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("entry", CommittedEntries.render(result, node.json()));
        ArrayNode effects = body.putArray("effects");
        Map<EffectId, ObjectNode> open = new LinkedHashMap<>();
        for (Outbox.Pending effect : result.effects()) {
            ObjectNode item = effects.addObject().put("id", effect.id().toString()).put("sink", effect.sink());
            item.putArray("events");
            open.put(effect.id(), item);
        }
        long latest = history.latest();
        long from = index + 1;
        long scanned = 0;
        Set<EffectId> done = new HashSet<>();
        while (done.size() < open.size() && from <= latest && scanned < MAX_CAUSALITY_SCAN) {
            long to = Math.min(latest, from + WINDOW - 1);
            for (Executor.Result later : history.results(from, to)) {
                byte[] payload = later.entry().payload();
                byte kind = Envelope.kind(payload);
                if (kind != Envelope.EFFECT_DONE && kind != Envelope.EFFECT_FAILED && kind != Envelope.EFFECT_RETRY) {
                    continue;
                }
                ObjectNode item = open.get(Envelope.effectId(payload));
                if (item == null) {
                    continue;
                }
                ObjectNode event = ((ArrayNode) item.get("events")).addObject().put("index", later.index())
                        .put("kind", switch (kind) {
                            case Envelope.EFFECT_DONE -> "done";
                            case Envelope.EFFECT_FAILED -> "failed";
                            default -> "retried";
                        });
                if (kind == Envelope.EFFECT_DONE) {
                    event.put("duplicateSuppressed", Envelope.duplicateSuppressed(payload));
                    done.add(Envelope.effectId(payload));
                }
            }
            scanned += to - from + 1;
            from = to + 1;
        }
        Map<EffectId, Outbox.Pending> outbox = new HashMap<>();
        outbox().forEach(pending -> outbox.put(pending.id(), pending));
        open.forEach((id, item) -> {
            Outbox.Pending pending = outbox.get(id);
            if (done.contains(id)) {
                item.put("status", "DONE");
            } else if (pending != null) {
                item.put("status", pending.status().name()).put("attempts", pending.attempts());
                item.put("lastError", pending.lastError());
            } else {
                // Acknowledged beyond the entries examined.
                item.put("status", "DONE");
            }
        });
        return body;
    }

    /** The outbox as the serving replica holds it, waiting no longer than a command would. */
    private List<Outbox.Pending> outbox() {
        return node.outbox().orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The index of the entry that produced an effect: the outbox or recent acknowledgements know, else the log. */
    private long entryOfEffect(HistoryIndex history, EffectId effect) {
        for (Outbox.Pending pending : outbox()) {
            if (pending.id().equals(effect)) {
                return pending.index();
            }
        }
        for (AcknowledgedEffects.Acknowledged acknowledged : node.acknowledged().newest(AcknowledgedEffects.KEPT)) {
            if (acknowledged.id().equals(effect)) {
                return acknowledged.index();
            }
        }
        return searchBackwards(history, result -> result.effects().stream().anyMatch(e -> e.id().equals(effect)),
                "effect " + effect);
    }

    private long entryOfRequest(HistoryIndex history, UUID client, long request) {
        return searchBackwards(history, result -> !result.duplicate() && result.entry().client().equals(client)
                && result.entry().requestNumber() == request, "request " + request + " of client " + client);
    }

    /** The newest retained entry that matches, looking back through at most {@value #MAX_CAUSALITY_SCAN} entries. */
    private static long searchBackwards(HistoryIndex history, Predicate<Executor.Result> match, String what) {
        long earliest = Math.max(history.earliestEntry(), 0);
        long to = history.latest();
        long scanned = 0;
        while (to >= earliest && scanned < MAX_CAUSALITY_SCAN) {
            long from = Math.max(earliest, to - WINDOW + 1);
            List<Executor.Result> window = history.results(from, to);
            for (int i = window.size() - 1; i >= 0; i--) {
                if (match.test(window.get(i))) {
                    return window.get(i).index();
                }
            }
            scanned += to - from + 1;
            to = from - 1;
        }
        throw new NotFound(what + " is not among the " + scanned + " most recent entries of the retained history");
    }

    /**
     * Where a value in the state came from: the entries at or before {@code upTo} that changed the value
     * at {@code pointer}, newest first, with the value before and after each.
     */
    private ObjectNode writers(HistoryIndex history, String pointer, long upTo, int count) {
        JsonPointer path;
        try {
            path = JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("path=" + pointer + " is not a JSON pointer (RFC 6901), such as /balances/alice");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("path", pointer).put("at", upTo);
        body.set("value", stateAt(upTo).at(path));
        ArrayNode writes = body.putArray("writes");
        long earliest = Math.max(history.earliestEntry(), 0);
        long to = upTo;
        long scanned = 0;
        while (writes.size() < count && to >= earliest && scanned < MAX_CAUSALITY_SCAN) {
            long from = Math.max(earliest, to - WINDOW + 1);
            List<Executor.Result> window = history.results(from, to);
            // Before the first retained entry the value is the genesis state's, or, after compaction,
            // unknown: no write is claimed there.
            Object genesis = from == 0 ? history.genesisView() : null;
            boolean known = from - 1 >= history.earliest() || genesis != null;
            JsonNode before = !known ? MissingNode.getInstance()
                    : genesis != null ? node.json().mapper().<JsonNode>valueToTree(genesis).at(path)
                    : stateAt(from - 1).at(path);
            List<ObjectNode> found = new ArrayList<>();
            for (Executor.Result result : window) {
                JsonNode after = node.json().mapper().valueToTree(history.viewOf(result.state())).at(path);
                if (known && !after.equals(before)) {
                    ObjectNode write = JsonNodeFactory.instance.objectNode().put("index", result.index());
                    write.set("old", before.isMissingNode() ? null : before);
                    write.set("new", after.isMissingNode() ? null : after);
                    write.set("entry", CommittedEntries.render(result, node.json()));
                    found.add(write);
                }
                before = after;
                known = true;
            }
            for (int i = found.size() - 1; i >= 0 && writes.size() < count; i--) {
                writes.add(found.get(i));
            }
            scanned += to - from + 1;
            to = from - 1;
        }
        return body;
    }

    @GET
    @Path("/verify")
    public Response verify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("from") String from,
                           @QueryParam("to") String to, @QueryParam("every") String every) {
        return answer(authorization, () -> {
            HistoryIndex history = node.history();
            Range range = range(history, from, to, MAX_VERIFY, "verify");
            long first = range.first();
            long last = range.last();
            long spacing = every == null ? Math.max(1, (last - first + 1) / 100) : bounded("every", every, 1, MAX_VERIFY);
            long[] checkpoints = checkpoints(first, last, spacing);
            Hash[] local;
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("from", first).put("to", last)
                    .put("every", spacing);
            ObjectNode self = body.putObject("replica").put("id", node.nodeId());
            try {
                local = history.digests(checkpoints);
                self.put("chain", "intact").put("checked", last - first + 1);
            } catch (EntryUnavailableException damaged) {
                if (damaged.reason() != EntryUnavailableException.Reason.DAMAGED) {
                    throw damaged;
                }
                self.put("chain", "damaged").put("damagedAt", damaged.index()).put("error", damaged.getMessage());
                return Response.ok(body).build();
            }
            ArrayNode digests = body.putArray("checkpoints");
            for (int i = 0; i < checkpoints.length; i++) {
                digests.addObject().put("index", checkpoints[i]).put("digest", local[i].toHex());
            }
            ArrayNode replicas = body.putArray("replicas");
            for (ChrononNode.PeerVerdict verdict : node.verifyPeers(checkpoints, local)) {
                ObjectNode item = replicas.addObject().put("id", verdict.replica()).put("address", verdict.address())
                        .put("status", verdict.status());
                if (verdict.firstDifference() != null) {
                    item.put("firstDifference", verdict.firstDifference());
                }
                if (verdict.reason() != null) {
                    item.put("reason", verdict.reason());
                }
            }
            return Response.ok(body).build();
        });
    }

    @POST
    @Path("/replay")
    public Response replay(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("from") String from,
                           @QueryParam("to") String to) {
        return answer(authorization, () -> {
            HistoryIndex history = node.history();
            Range range = range(history, from, to, MAX_REPLAY, "replay");
            HistoryReplay.Report report = node.replay(range.first(), range.last());
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("from", report.from()).put("to", report.to())
                    .put("replayed", report.replayed()).put("compared", report.compared())
                    .put("recordedThrough", report.recordedThrough());
            if (report.divergence() == null) {
                body.putNull("divergence");
            } else {
                ObjectNode divergence = body.putObject("divergence").put("index", report.divergence().index());
                divergence.set("recorded", report.divergence().recorded());
                divergence.set("now", report.divergence().now());
                render(report.divergence().changes(), divergence.putArray("changes"));
            }
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/export")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response export(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("from") String from,
                           @QueryParam("to") String to) {
        return answer(authorization, () -> {
            HistoryIndex history = node.history();
            Range range = range(history, from, to, MAX_REPLAY, "export");
            long first = range.first();
            long last = range.last();
            if (last > history.latest()) {
                throw new HistoryIndex.Unavailable("index " + last + " is beyond the applied history, which ends at "
                        + history.latest(), history.earliest(), history.latest(), false);
            }
            if (first < Math.max(history.earliestEntry(), 0)) {
                throw new HistoryIndex.Unavailable("index " + first + " is no longer available: the history starts at"
                        + " index " + history.earliest(), history.earliest(), history.latest(), true);
            }
            StreamingOutput bundle = out -> node.export(out, first, last);
            return Response.ok(bundle, MediaType.APPLICATION_OCTET_STREAM_TYPE).header("Content-Disposition",
                    "attachment; filename=\"chronon-" + first + "-" + last + ".bundle\"").build();
        });
    }

    @POST
    @Path("/bundles/replay")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public Response replayBundle(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, InputStream body) {
        return answer(authorization, () -> {
            HistoryBundle.Replay replay;
            try {
                byte[] bundle = body.readNBytes(MAX_BUNDLE_BYTES + 1);
                if (bundle.length > MAX_BUNDLE_BYTES) {
                    throw new BadParameter("a bundle of more than " + MAX_BUNDLE_BYTES + " bytes: export a shorter range");
                }
                replay = node.replayBundle(bundle);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalArgumentException refused) {
                throw new BadParameter(refused.getMessage());
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("cluster", replay.cluster().toString())
                    .put("application", replay.application()).put("applicationClass", replay.applicationClass())
                    .put("applicationVersion", replay.applicationVersion())
                    .put("snapshotSchema", replay.snapshotSchema());
            // What replayed it: a difference in version explains a divergence before anyone looks further.
            result.putObject("replayedWith").put("applicationVersion", node.applicationVersion())
                    .put("snapshotSchema", node.snapshotSchemaVersion());
            result.put("from", replay.from()).put("to", replay.to()).put("replayed", replay.replayed())
                    .put("chain", replay.problem() == null ? "intact" : "broken");
            if (replay.firstDivergence() == null) {
                result.putNull("firstDivergence");
            } else {
                result.put("firstDivergence", replay.firstDivergence());
            }
            if (replay.problem() != null) {
                result.put("problem", replay.problem());
            }
            result.put("matches", replay.problem() == null && replay.firstDivergence() == null);
            return Response.ok(result).type(MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** A range of entries a request names: {@code from} and {@code to} inclusive. */
    private record Range(long first, long last) {}

    /**
     * The range of {@code from} and {@code to} (defaults: the earliest retained entry, the latest
     * applied one), refusing one that is reversed or longer than {@code max} entries.
     */
    private static Range range(HistoryIndex history, String from, String to, int max, String verb) {
        long first = from == null ? Math.max(history.earliestEntry(), 0) : index("from", from);
        long last = to == null ? history.latest() : index("to", to);
        if (history.latest() < 0) {
            throw new NotFound("the log holds no entry yet: nothing to " + verb);
        }
        if (first > last) {
            throw new BadParameter("from=" + first + " is after to=" + last);
        }
        if (last - first + 1 > max) {
            throw new BadParameter(verb + " at most " + max + " entries at a time, not " + (last - first + 1));
        }
        return new Range(first, last);
    }

    /** Changes as JSON: {@code path} (RFC 6901), {@code op}, {@code old}, {@code new}. */
    private static void render(List<JsonDiff.Change> changes, ArrayNode into) {
        for (JsonDiff.Change change : changes) {
            ObjectNode item = into.addObject().put("path", change.path()).put("op", change.op());
            item.set("old", change.oldValue());
            item.set("new", change.newValue());
        }
    }

    /** Every {@code spacing}-th index from {@code first}, and {@code last}. */
    private static long[] checkpoints(long first, long last, long spacing) {
        List<Long> indices = new ArrayList<>();
        for (long index = first; index < last && indices.size() < PeerWire.DigestsRequest.MAX_INDICES - 1;
             index += spacing) {
            indices.add(index);
        }
        indices.add(last);
        return indices.stream().mapToLong(Long::longValue).toArray();
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
        } catch (NotFound missing) {
            return ApiErrors.error(404, missing.getMessage());
        } catch (HistoryIndex.Unavailable unavailable) {
            return unavailable(unavailable);
        } catch (StorageCorruptionException damaged) {
            // Not something a retry mends: the operator's tool is `verify` (docs/operations.md).
            return ApiErrors.error(500, "the history cannot be read: " + damaged.getMessage());
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

    /** What a causality query looks for is not in the retained history: 404. */
    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private static EffectId effectId(String value) {
        try {
            return EffectId.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadParameter("effect=" + value + " is not an effect id (32 hex digits)");
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
