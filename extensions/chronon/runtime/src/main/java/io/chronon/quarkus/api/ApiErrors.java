package io.chronon.quarkus.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON bodies of answers that are not a result: always an object with an {@code error} text. */
final class ApiErrors {
    private ApiErrors() {
    }

    static ObjectNode body(String error) {
        return JsonNodeFactory.instance.objectNode().put("error", error);
    }

    static Response error(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body(error)).build();
    }
}
