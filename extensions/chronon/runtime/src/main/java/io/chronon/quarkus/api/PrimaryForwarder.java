package io.chronon.quarkus.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;
import io.chronon.quarkus.ChrononConfig;
import io.chronon.quarkus.ChrononNode;

/**
 * A backup's way to serve what only the primary can: it sends the request on to the primary's
 * address over REST, with the session headers, and relays the answer. A forwarded request is
 * marked, and a replica never forwards a marked request again: if the primary moved meanwhile, the
 * client hears 503 and retries, rather than the request travelling in circles.
 */
@Singleton
public class PrimaryForwarder {
    static final String FORWARDED_BY = "Chronon-Forwarded-By";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final ChrononNode node;
    private final ChrononConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    @Inject
    public PrimaryForwarder(ChrononNode node, ChrononConfig config) {
        this.node = node;
        this.config = config;
    }

    /** The primary's address if this request should be forwarded there, else empty. */
    Optional<String> target(String forwardedBy) {
        return forwardedBy == null ? node.primaryAddress() : Optional.empty();
    }

    /**
     * Sends the request to the primary at {@code address}. {@code outcomeUnknownIfLost}: a command may
     * have been applied even when no answer came back (504, retry with the same request number); a
     * query has no effect, so a lost answer is a plain 503.
     */
    CompletionStage<CommandAnswers.Answer> forward(String address, String pathAndQuery, byte[] body, String clientId,
                                                   String requestNumber, boolean outcomeUnknownIfLost) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery))
                .timeout(config.commandTimeout())
                .header("Content-Type", MediaType.APPLICATION_JSON)
                .header(FORWARDED_BY, String.valueOf(node.nodeId()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (clientId != null) {
            request.header(CommandResource.CLIENT_ID, clientId);
        }
        if (requestNumber != null) {
            request.header(CommandResource.REQUEST_NUMBER, requestNumber);
        }
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unreachable(address, e));
        }
        return sent.handle((answer, error) -> {
            if (error == null) {
                return relayed(address, answer);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            boolean neverArrived = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
            if (outcomeUnknownIfLost && !neverArrived) {
                String what = cause instanceof HttpTimeoutException ? "did not answer in time" : "dropped the connection";
                return CommandAnswers.error(504, "the primary at " + address + " " + what + ": the outcome is unknown;"
                        + " retry with the same client id and request number", false);
            }
            return unreachable(address, cause);
        });
    }

    private CommandAnswers.Answer relayed(String address, HttpResponse<byte[]> answer) {
        JsonNode body;
        try {
            body = node.json().mapper().readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !(body.isObject() || body.isArray())) {
            return CommandAnswers.error(502, "the primary at " + address + " answered " + answer.statusCode()
                    + " without a JSON body", true);
        }
        return new CommandAnswers.Answer(answer.statusCode(), body, answer.headers().firstValue("Retry-After")
                .isPresent());
    }

    private static CommandAnswers.Answer unreachable(String address, Throwable cause) {
        String why = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
                ? "cannot connect" : cause instanceof IOException ? "the connection failed" : String.valueOf(cause);
        return CommandAnswers.error(503, "this replica is a backup and the primary at " + address
                + " is unreachable (" + why + "): retry shortly", true);
    }
}
