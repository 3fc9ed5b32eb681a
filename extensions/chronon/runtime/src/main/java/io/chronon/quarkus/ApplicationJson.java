package io.chronon.quarkus;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Outcome;

/**
 * The application's commands, queries and results as JSON. The JSON types are the application's
 * own type arguments of {@code ChrApplication<S, C, Q, R>}; the mapper is strict, so a body that
 * does not describe a command exactly is refused before anything is proposed: unknown or missing
 * properties, {@code null} for a primitive, {@code 1.5} or {@code "10"} for an integer, trailing
 * content.
 */
public final class ApplicationJson {
    private final ChrApplication<Object, Object, Object, Object> application;
    private final ObjectMapper mapper;
    private final JavaType commandType;
    private final JavaType queryType;

    @SuppressWarnings("unchecked")
    public ApplicationJson(ChrApplication<?, ?, ?, ?> application) {
        this.application = (ChrApplication<Object, Object, Object, Object>) application;
        this.mapper = strictMapper();
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        Type[] arguments = typeArguments(application.getClass(), bindings);
        this.commandType = mapper.getTypeFactory().constructType(arguments[1]);
        this.queryType = mapper.getTypeFactory().constructType(arguments[2]);
    }

    /** A mapper that accepts only what the types describe exactly. */
    public static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Textual}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, type == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    // JSON has one number type: 3 is a fine double, but 1.5 is no integer and 5 no string.
                    .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer || type == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * The command a JSON body describes, in the application's encoding.
     *
     * @throws MalformedException if it describes none
     */
    public byte[] command(byte[] json) {
        return application.commands().encode(read(json, commandType, "command"));
    }

    /** The query a JSON body describes, in the application's encoding. */
    public byte[] query(byte[] json) {
        return application.queries().encode(read(json, queryType, "query"));
    }

    /** A command's or query's result as JSON. */
    public JsonNode result(byte[] encoded) {
        return mapper.valueToTree(application.results().decode(encoded));
    }

    /** A command from the log, in the application's encoding, as JSON. */
    public JsonNode commandJson(byte[] encoded) {
        return mapper.valueToTree(application.commands().decode(encoded));
    }

    /** An outcome as JSON: {@code {"result":…}}, or what kind of no it was. */
    public JsonNode outcome(Outcome outcome) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (outcome) {
            case Outcome.Completed completed -> {
                try {
                    yield nodes.objectNode().set("result", result(completed.result()));
                } catch (RuntimeException undecodable) {
                    yield nodes.objectNode().put("result", "(" + completed.result().length + " bytes the current"
                            + " code cannot decode)");
                }
            }
            case Outcome.Rejected rejected -> nodes.objectNode().set("rejection", nodes.objectNode()
                    .put("code", rejected.rejection().code()).put("message", rejected.rejection().message()));
            case Outcome.Failed failed -> nodes.objectNode().put("failed", failed.error());
            case Outcome.SessionExpired expired -> nodes.objectNode().put("sessionExpired", true);
            case Outcome.StaleRequest stale -> nodes.objectNode().put("staleRequest", stale.latestRequestNumber());
        };
    }

    private Object read(byte[] json, JavaType type, String what) {
        try {
            Object value = mapper.readValue(json, type);
            if (value == null) {
                throw new MalformedException("the body is not a " + what + ": null");
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            int location = message.indexOf("\n at [Source");
            throw new MalformedException("the body is not a " + what + ": "
                    + (location < 0 ? message : message.substring(0, location)));
        }
    }

    /** The type arguments of {@code ChrApplication} as {@code type} binds them. */
    private static Type[] typeArguments(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType()
                : (Class<?>) type;
        if (type instanceof ParameterizedType parameterized) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            for (int i = 0; i < variables.length; i++) {
                bindings.put(variables[i], resolve(parameterized.getActualTypeArguments()[i], bindings));
            }
        }
        if (raw == ChrApplication.class) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] resolved = new Type[variables.length];
            for (int i = 0; i < variables.length; i++) {
                resolved[i] = bindings.get(variables[i]);
                if (resolved[i] == null || resolved[i] instanceof TypeVariable<?>) {
                    throw new IllegalStateException("cannot tell the type arguments of ChrApplication for "
                            + type.getTypeName() + ": implement ChrApplication with concrete types");
                }
            }
            return resolved;
        }
        for (Type parent : raw.getGenericInterfaces()) {
            if (parent instanceof ParameterizedType || ChrApplication.class.isAssignableFrom((Class<?>) parent)) {
                Class<?> parentRaw = parent instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) parent;
                if (ChrApplication.class.isAssignableFrom(parentRaw)) {
                    return typeArguments(parent, bindings);
                }
            }
        }
        Type superclass = raw.getGenericSuperclass();
        if (superclass == null) {
            throw new IllegalStateException(type.getTypeName() + " does not implement ChrApplication");
        }
        return typeArguments(superclass, bindings);
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        return type instanceof TypeVariable<?> variable && bindings.containsKey(variable) ? bindings.get(variable) : type;
    }

    /** A body that is not what the application expects: 400, nothing proposed. */
    public static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }
    }
}
