package io.chronon.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

/**
 * The latency of {@code GET /chronon/state?at=N} for random retained N in a long history, end to
 * end against the packaged node: it starts {@code app/target/quarkus-app/quarkus-run.jar} (the bank,
 * effects to the journal) on a fresh data directory, fills its log with {@code entries} bank commands
 * through the batch endpoint, then asks for the state at uniformly random retained indices and
 * prints p50/p90/p99/p99.9/max (HdrHistogram), with the fill rate. A command, not a test.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.chronon.bench.TimeTravelBenchmark [entries] [queries]
 * </pre>
 * Defaults: 1,000,000 entries, 2,000 queries. {@code -Dchronon.node.jar} points at another node.
 */
public final class TimeTravelBenchmark {
    private static final int BATCH = 1_000;
    private static final int ACCOUNTS = 1_000;
    private static final Pattern NUMBER = Pattern.compile("\"(earliest|appliedIndex)\":(\\d+)");

    private TimeTravelBenchmark() {}

    public static void main(String[] args) throws Exception {
        long entries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Path jar = Path.of(System.getProperty("chronon.node.jar", "app/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the node first (./mvnw install -DskipTests): " + jar + " is missing");
        }
        Path data = BenchSupport.freshDirectory("time-travel");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dquarkus.http.port=" + port, "-Dchronon.data-dir=" + data,
                "-Dchronon.effects.\"statements\".sink=journal", "-Dchronon.effects.\"transfers\".sink=journal",
                "-Dchronon.admin-token=bench", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitReady(http, base);
            long started = System.nanoTime();
            fill(http, base, entries);
            double seconds = (System.nanoTime() - started) / 1e9;
            long latest = number(get(http, base + "/chronon/status").body(), "appliedIndex");
            long earliest = earliestState(http, base);
            System.out.printf(Locale.ROOT, "filled %,d commands in %.1f s (%,.0f commands/s); the log holds %,d entries,"
                    + " states %,d to %,d retained%n", entries, seconds, entries / seconds, latest + 1, earliest, latest);
            measure(http, base, earliest, latest, Math.max(50, queries / 10), null);
            Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            measure(http, base, earliest, latest, queries, histogram);
            System.out.printf(Locale.ROOT, "GET /chronon/state?at=N, N uniform in [%d, %d], %d queries:"
                            + " p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", earliest, latest,
                    queries, ms(histogram, 50), ms(histogram, 90), ms(histogram, 99), ms(histogram, 99.9),
                    histogram.getMaxValue() / 1e6);
        } finally {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            BenchSupport.deleteRecursively(data);
        }
    }

    private static void fill(HttpClient http, String base, long entries) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long sent = 0;
        while (sent < entries) {
            int count = (int) Math.min(BATCH, entries - sent);
            List<String> commands = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                commands.add("{\"type\":\"deposit\",\"account\":\"acct-" + random.nextInt(ACCOUNTS) + "\",\"amount\":"
                        + (1 + random.nextInt(100)) + "}");
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/chronon/commands/batch"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", commands) + "]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the batch was answered " + answer.statusCode() + ": " + answer.body());
            }
            sent += count;
            if (sent % 100_000 == 0) {
                System.out.printf(Locale.ROOT, "  %,d commands sent%n", sent);
            }
        }
    }

    private static void measure(HttpClient http, String base, long earliest, long latest, int queries,
                                Histogram into) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < queries; i++) {
            long at = earliest + random.nextLong(latest - earliest + 1);
            long started = System.nanoTime();
            HttpResponse<String> answer = get(http, base + "/chronon/state?at=" + at);
            long took = System.nanoTime() - started;
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("state at " + at + ": " + answer.statusCode() + " " + answer.body());
            }
            if (into != null) {
                into.recordValue(took);
            }
        }
    }

    private static long earliestState(HttpClient http, String base) throws Exception {
        HttpResponse<String> answer = get(http, base + "/chronon/state?at=0");
        return answer.statusCode() == 200 ? 0 : number(answer.body(), "earliest");
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer bench")
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(HttpClient http, String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (get(http, base + "/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // The node is still starting.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the node did not become ready in 60 s");
    }

    private static long number(String json, String field) {
        Matcher matcher = NUMBER.matcher(json);
        while (matcher.find()) {
            if (matcher.group(1).equals(field)) {
                return Long.parseLong(matcher.group(2));
            }
        }
        throw new IllegalStateException("no " + field + " in " + json);
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }
}
