package io.chronon.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A scrape of a Prometheus text endpoint: each sample line {@code name{labels} value} by its series
 * (name with labels, as written). Chronon's {@code /q/metrics}, etcd's {@code /metrics} and the Ratis
 * server's side channel all speak it.
 */
record PrometheusText(Map<String, Double> samples) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static PrometheusText scrape(URI uri) {
        // Generous: a server busy writing back a large batch load may answer slowly, which is not a failure.
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + answer.statusCode());
            }
            return parse(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + uri, e);
        }
    }

    static PrometheusText parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException | StringIndexOutOfBoundsException notASample) {
                // A line this parser does not understand (a timestamp suffix, say) is not needed here.
            }
        }
        return new PrometheusText(Map.copyOf(samples));
    }

    /** The sample's value, or 0 when the series has not been written yet. */
    double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }
}
