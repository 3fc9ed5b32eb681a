package io.chronon.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link LogAppendBenchmark} and {@link RawFdatasyncBenchmark} in one go and prints, per
 * (batch size, payload, direct I/O), the log's entries/s next to the raw fdatasync rate for writes
 * of one batch's size, and whether the log reaches 50 % of {@code fdatasync/s × batchSize}: the
 * rate a group commit would reach if the log cost nothing but its one write + fdatasync per batch.
 *
 * <pre>
 * ./mvnw -q -B -pl core,bench -am package -DskipTests
 * $JAVA_HOME/bin/java -cp bench/target/benchmarks.jar io.chronon.bench.StorageBenchmarkReport
 * </pre>
 *
 * System properties (all optional): {@code chronon.bench.dir} (default {@code target/bench-data},
 * on a real disk), {@code chronon.bench.forks} (1), {@code chronon.bench.warmupIterations} (2),
 * {@code chronon.bench.warmupSeconds} (2), {@code chronon.bench.iterations} (3),
 * {@code chronon.bench.seconds} (3), {@code chronon.bench.batchSizes} (1,8,64,512),
 * {@code chronon.bench.payloads} (128,1024), {@code chronon.bench.directIo} (false,true),
 * {@code chronon.bench.prof} (JMH profilers, comma-separated, e.g. {@code gc,stack}),
 * {@code chronon.bench.result} (also write JMH's JSON results to this file),
 * {@code chronon.bench.maxSegmentMiB} (8192) and {@code chronon.bench.rawFileMiB} (256).
 */
public final class StorageBenchmarkReport {

    private static final double TARGET_RATIO = 0.5;
    private static final String LOG = LogAppendBenchmark.class.getName() + ".appendAndBarrier";
    private static final String RAW = RawFdatasyncBenchmark.class.getName() + ".writeAndFdatasync";

    private StorageBenchmarkReport() {}

    private record Key(int batchSize, int payloadBytes, boolean directIo) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int c = Integer.compare(batchSize, other.batchSize);
            if (c == 0) {
                c = Integer.compare(payloadBytes, other.payloadBytes);
            }
            return c != 0 ? c : Boolean.compare(directIo, other.directIo);
        }

        static Key of(BenchmarkParams params) {
            return new Key(Integer.parseInt(params.getParam("batchSize")),
                    Integer.parseInt(params.getParam("payloadBytes")),
                    Boolean.parseBoolean(params.getParam("directIo")));
        }
    }

    public static void main(String[] args) throws RunnerException {
        Path dir = BenchSupport.baseDirectory();
        String[] batchSizes = list("chronon.bench.batchSizes", "1,8,64,512");
        String[] payloads = list("chronon.bench.payloads", "128,1024");
        String[] directIo = list("chronon.bench.directIo", "false,true");

        List<String> forkArgs = new ArrayList<>();
        forkArgs.add("-D" + BenchSupport.DIR_PROPERTY + "=" + dir);
        for (String property : List.of(LogAppendBenchmark.MAX_SEGMENT_PROPERTY,
                RawFdatasyncBenchmark.FILE_SIZE_PROPERTY)) {
            if (System.getProperty(property) != null) {
                forkArgs.add("-D" + property + "=" + System.getProperty(property));
            }
        }

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + quote(LOG) + "$")
                .include("^" + quote(RAW) + "$")
                .forks(Integer.getInteger("chronon.bench.forks", 1))
                .warmupIterations(Integer.getInteger("chronon.bench.warmupIterations", 2))
                .warmupTime(TimeValue.seconds(Integer.getInteger("chronon.bench.warmupSeconds", 2)))
                .measurementIterations(Integer.getInteger("chronon.bench.iterations", 3))
                .measurementTime(TimeValue.seconds(Integer.getInteger("chronon.bench.seconds", 3)))
                .param("batchSize", batchSizes)
                .param("payloadBytes", payloads)
                .param("directIo", directIo)
                .jvmArgsAppend(forkArgs.toArray(String[]::new));
        String profiler = System.getProperty("chronon.bench.prof");
        if (profiler != null && !profiler.isBlank()) {
            for (String name : profiler.split("\\s*,\\s*")) {
                options.addProfiler(name);
            }
        }
        String resultFile = System.getProperty("chronon.bench.result");
        if (resultFile != null && !resultFile.isBlank()) {
            options.result(resultFile).resultFormat(ResultFormatType.JSON);
        }

        System.out.println("Benchmark data directory: " + dir);
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.print(table(results));
    }

    static String table(Collection<RunResult> results) {
        Map<Key, RunResult> log = new HashMap<>();
        Map<Key, RunResult> raw = new HashMap<>();
        TreeSet<Key> keys = new TreeSet<>();
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            Key key = Key.of(params);
            if (params.getBenchmark().equals(LOG)) {
                log.put(key, result);
                keys.add(key);
            } else if (params.getBenchmark().equals(RAW)) {
                raw.put(key, result);
                keys.add(key);
            }
        }

        StringBuilder out = new StringBuilder();
        out.append("Group commit: log append + barrier vs raw write + fdatasync of the same size\n\n");
        out.append("| batch | payload (B) | direct io | batch on disk (B) | log batches/s | log entries/s "
                + "| raw fdatasync/s | target entries/s (0.5 x raw x batch) | ratio | 50 % target "
                + "| rollovers in measurement |\n");
        out.append("|---:|---:|:---:|---:|---:|---:|---:|---:|---:|:---:|---:|\n");
        List<String> batch64 = new ArrayList<>();
        for (Key key : keys) {
            RunResult logResult = log.get(key);
            RunResult rawResult = raw.get(key);
            Result<?> entries = logResult == null ? null : logResult.getSecondaryResults().get("entries");
            Result<?> rollovers = logResult == null ? null : logResult.getSecondaryResults().get("segmentRollovers");
            String ratioText = "n/a";
            String verdict = "n/a";
            String target = "n/a";
            if (rawResult != null) {
                double ideal = rawResult.getPrimaryResult().getScore() * key.batchSize();
                target = number(TARGET_RATIO * ideal);
                if (entries != null) {
                    double ratio = entries.getScore() / ideal;
                    ratioText = String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
                    verdict = ratio >= TARGET_RATIO ? "PASS" : "FAIL";
                }
            }
            out.append("| ").append(key.batchSize())
                    .append(" | ").append(key.payloadBytes())
                    .append(" | ").append(key.directIo() ? "yes" : "no")
                    .append(" | ").append(BenchSupport.batchExtentBytes(key.batchSize(), key.payloadBytes()))
                    .append(" | ").append(logResult == null ? "n/a" : withError(logResult.getPrimaryResult()))
                    .append(" | ").append(entries == null ? "n/a" : withError(entries))
                    .append(" | ").append(rawResult == null ? "n/a" : withError(rawResult.getPrimaryResult()))
                    .append(" | ").append(target)
                    .append(" | ").append(ratioText)
                    .append(" | ").append(verdict)
                    .append(" | ").append(rollovers == null ? "n/a" : number(rollovers.getScore()))
                    .append(" |\n");
            if (key.batchSize() == 64) {
                batch64.add("payload " + key.payloadBytes() + " B, direct io " + (key.directIo() ? "yes" : "no")
                        + ": " + verdict + " (" + ratioText + ")");
            }
        }
        out.append("\nratio = log entries/s / (raw fdatasync/s x batch); PASS when >= 50 %. ")
                .append("Scores are JMH means; +- is JMH's 99.9 % confidence half-width.\n");
        if (!batch64.isEmpty()) {
            out.append("\nBatch 64 against the 50 % target:\n");
            batch64.forEach(line -> out.append("  ").append(line).append('\n'));
        }
        return out.toString();
    }

    private static String withError(Result<?> result) {
        double error = result.getScoreError();
        if (Double.isNaN(error)) {
            return number(result.getScore());
        }
        return number(result.getScore()) + " +- " + number(error);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String[] list(String property, String defaults) {
        return System.getProperty(property, defaults).split("\\s*,\\s*");
    }

    private static String quote(String name) {
        return name.replace(".", "\\.");
    }
}
