package io.chronon.quarkus.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import io.quarkus.runtime.LaunchMode;

/**
 * Guards the debug and admin endpoints: open in dev and test mode; elsewhere they need
 * {@code Authorization: Bearer <chronon.admin-token>}, and without a configured token they are off
 * (403, saying how to turn them on).
 */
final class AdminAccess {
    private AdminAccess() {
    }

    /** Null when the call may proceed, else the answer that refuses it. */
    static Response refusal(Optional<String> configuredToken, String authorization) {
        LaunchMode mode = LaunchMode.current();
        if (mode == LaunchMode.DEVELOPMENT || mode == LaunchMode.TEST) {
            return null;
        }
        if (configuredToken.isEmpty() || configuredToken.get().isBlank()) {
            return ApiErrors.error(403, "the admin endpoints are off: set chronon.admin-token and send"
                    + " 'Authorization: Bearer <token>'");
        }
        String expected = "Bearer " + configuredToken.get();
        if (authorization == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.trim().getBytes(StandardCharsets.UTF_8))) {
            return Response.fromResponse(ApiErrors.error(401, "send 'Authorization: Bearer <chronon.admin-token>'"))
                    .header("WWW-Authenticate", "Bearer").build();
        }
        return null;
    }
}
