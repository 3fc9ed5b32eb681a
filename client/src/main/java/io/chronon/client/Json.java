package io.chronon.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Reads the node's answers into the client's records, and writes the one body the client composes
 * (a batch). Results, rejections and queries stay JSON text: the client does not know the
 * application's types.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_RAW_ERROR = 200;

    private Json() {
    }

    static CommandResult commandResult(Transport.Answer answer) {
        JsonNode node = object(answer);
        return new CommandResult(number(node, "index", answer), number(node, "view", answer),
                field(node, "result", answer).toString());
    }

    static RejectedException rejected(Transport.Answer answer) {
        JsonNode node = object(answer);
        return new RejectedException(number(node, "index", answer), number(node, "view", answer),
                field(node, "rejection", answer).toString());
    }

    static QueryResult queryResult(Transport.Answer answer) {
        JsonNode node = object(answer);
        return new QueryResult(number(node, "index", answer), field(node, "result", answer).toString());
    }

    /** The per-command answers of a batch, told apart by which field each carries. */
    static List<CommandOutcome> batch(Transport.Answer answer, int expected) {
        JsonNode array = parse(answer);
        if (!array.isArray() || array.size() != expected) {
            throw new UnexpectedResponseException(answer.status(),
                    "expected a JSON array of " + expected + " answers: " + abbreviate(answer.body()), null);
        }
        List<CommandOutcome> outcomes = new ArrayList<>(expected);
        for (JsonNode element : array) {
            if (element.has("result")) {
                outcomes.add(new CommandResult(number(element, "index", answer), number(element, "view", answer),
                        element.get("result").toString()));
            } else if (element.has("rejection")) {
                outcomes.add(new CommandRejection(number(element, "index", answer), number(element, "view", answer),
                        element.get("rejection").toString()));
            } else {
                outcomes.add(new CommandFailure(element.path("error").isTextual()
                        ? element.get("error").asText() : element.toString()));
            }
        }
        return List.copyOf(outcomes);
    }

    static NodeStatus status(Transport.Answer answer) {
        JsonNode node = object(answer);
        List<NodeStatus.Member> members = new ArrayList<>();
        for (JsonNode m : node.path("members")) {
            members.add(new NodeStatus.Member(field(m, "id", answer).asText(), field(m, "address", answer).asText(),
                    m.path("healthy").asBoolean(false)));
        }
        JsonNode commitIndex = node.path("commitIndex");
        JsonNode appliedIndex = node.path("appliedIndex");
        JsonNode primaryId = node.path("primaryId");
        return new NodeStatus(field(node, "nodeId", answer).asText(), node.path("clusterId").asText(""),
                role(field(node, "role", answer).asText(), answer), number(node, "view", answer),
                commitIndex.isIntegralNumber() ? OptionalLong.of(commitIndex.asLong()) : OptionalLong.empty(),
                appliedIndex.isIntegralNumber() ? OptionalLong.of(appliedIndex.asLong()) : OptionalLong.empty(),
                primaryId.isTextual() || primaryId.isIntegralNumber()
                        ? Optional.of(primaryId.asText()) : Optional.empty(),
                members);
    }

    private static NodeStatus.Role role(String role, Transport.Answer answer) {
        try {
            return NodeStatus.Role.valueOf(role);
        } catch (IllegalArgumentException unknown) {
            throw new UnexpectedResponseException(answer.status(), "unknown role " + role, unknown);
        }
    }

    /**
     * The {@code "error"} of an error body, or the body itself (shortened) when it is not the JSON
     * the contract promises: a proxy's HTML page should still say something useful.
     */
    static String error(Transport.Answer answer) {
        try {
            JsonNode error = MAPPER.readTree(answer.body()).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (JsonProcessingException notJson) {
            // fall through to the raw body
        }
        return answer.body().isBlank() ? "(no body)" : abbreviate(answer.body());
    }

    /** A batch body: the commands as one JSON array, each checked to be exactly one JSON value. */
    static String array(List<String> commands) {
        ArrayNode array = MAPPER.createArrayNode();
        for (int i = 0; i < commands.size(); i++) {
            try {
                array.add(MAPPER.readTree(commands.get(i)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("command " + i + " of the batch is not one JSON value", e);
            }
        }
        return array.toString();
    }

    private static JsonNode object(Transport.Answer answer) {
        JsonNode node = parse(answer);
        if (!node.isObject()) {
            throw new UnexpectedResponseException(answer.status(), "expected a JSON object: "
                    + abbreviate(answer.body()), null);
        }
        return node;
    }

    private static JsonNode parse(Transport.Answer answer) {
        try {
            return MAPPER.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw new UnexpectedResponseException(answer.status(), "not JSON: " + abbreviate(answer.body()), e);
        }
    }

    private static JsonNode field(JsonNode node, String name, Transport.Answer answer) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new UnexpectedResponseException(answer.status(), "no \"" + name + "\" in "
                    + abbreviate(answer.body()), null);
        }
        return value;
    }

    private static long number(JsonNode node, String name, Transport.Answer answer) {
        JsonNode value = field(node, name, answer);
        if (!value.isIntegralNumber()) {
            throw new UnexpectedResponseException(answer.status(), "\"" + name + "\" is not an integer in "
                    + abbreviate(answer.body()), null);
        }
        return value.asLong();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_RAW_ERROR ? text : text.substring(0, MAX_RAW_ERROR) + "...";
    }
}
