package io.chronon.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP attempt against one node, classified by what it means for a command: answered, surely
 * never delivered, or possibly delivered. The distinction between the last two is what decides
 * whether giving up leaves a command's outcome unknown.
 */
final class Transport implements AutoCloseable {
    private static final String JSON = "application/json";

    private final HttpClient http;

    Transport(Duration connectTimeout) {
        // HTTP/1.1: no cleartext HTTP/2 upgrade dance with servers that do not speak it.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** What one attempt came to. */
    sealed interface Exchange {
    }

    /**
     * The node answered.
     *
     * @param retryAfter the {@code Retry-After} header, if present and readable
     */
    record Answer(int status, String body, Optional<Duration> retryAfter) implements Exchange {
    }

    /** The request never left: the connection was refused or could not be made in time. */
    record NotDelivered(IOException cause) implements Exchange {
    }

    /** The request may have reached the node, but no answer came (a reset, or a timeout after sending). */
    record Lost(IOException cause) implements Exchange {
    }

    /**
     * Sends one request.
     *
     * @param body the JSON body to POST, or null for a GET
     */
    Exchange send(URI uri, String body, Map<String, String> headers, Duration timeout) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", JSON);
        headers.forEach(request::header);
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After").flatMap(Transport::retryAfter));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return new NotDelivered(e);
        } catch (IOException e) {
            return new Lost(e);
        }
    }

    /** Reads {@code Retry-After} as delay-seconds or as an HTTP date; anything else is ignored. */
    static Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
