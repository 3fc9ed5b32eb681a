package io.chronon.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.chronon.testkit.History;

/**
 * The run as a picture a person can read: completed operations per bucket of time, the latency of
 * the answered ones (median, 99th percentile and maximum per bucket, log scale), the operations that
 * failed or ended unknown, and every fault window shaded and labelled. One self-contained HTML page
 * with inline SVG, no scripts or assets fetched from anywhere.
 */
final class Timeline {
    private static final long BUCKET_NANOS = 250_000_000L;
    private static final int WIDTH = 1100;
    private static final int LEFT = 60;
    private static final int PLOT_WIDTH = WIDTH - LEFT - 20;
    private static final int THROUGHPUT_TOP = 70;
    private static final int THROUGHPUT_HEIGHT = 150;
    private static final int LATENCY_TOP = 260;
    private static final int LATENCY_HEIGHT = 220;
    private static final double MIN_LATENCY_MS = 0.1;
    private static final double MAX_LATENCY_MS = 10_000;

    /** A fault window relative to the history's origin. */
    record Window(String label, long startNanos, long endNanos) {}

    private Timeline() {
    }

    static String render(String title, List<History.Operation> operations, List<Window> windows, long lengthNanos) {
        int buckets = (int) Math.max(1, (lengthNanos + BUCKET_NANOS - 1) / BUCKET_NANOS);
        int[] ok = new int[buckets];
        List<List<Double>> latencies = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            latencies.add(new ArrayList<>());
        }
        StringBuilder marks = new StringBuilder();
        for (History.Operation operation : operations) {
            History.Completion completion = operation.completion();
            long end = completion == null ? lengthNanos : completion.nanos();
            int bucket = (int) Math.min(buckets - 1, end / BUCKET_NANOS);
            double latencyMs = (end - operation.invoke().nanos()) / 1e6;
            switch (completion) {
                case History.Ok answered -> {
                    ok[bucket]++;
                    latencies.get(bucket).add(latencyMs);
                }
                case History.Fail failed -> marks.append(mark(end, latencyMs, lengthNanos, "#c0392b"));
                case null, default -> marks.append(mark(end, latencyMs, lengthNanos, "#e67e22"));
            }
        }
        int peak = Math.max(1, Arrays.stream(ok).max().orElse(1));
        StringBuilder svg = new StringBuilder();
        int height = LATENCY_TOP + LATENCY_HEIGHT + 50;
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < windows.size(); i++) {
            Window window = windows.get(i);
            double x1 = x(window.startNanos(), lengthNanos);
            double x2 = Math.max(x1 + 1, x(window.endNanos(), lengthNanos));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
                            + " opacity=\"0.35\"><title>%s</title></rect>\n", x1, THROUGHPUT_TOP - 10, x2 - x1,
                    LATENCY_TOP + LATENCY_HEIGHT - THROUGHPUT_TOP + 10, i % 2 == 0 ? "#f5b7b1" : "#d7bde2",
                    escape(window.label())));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#78281f\">%s</text>\n", x1 + 2,
                    20 + 14 * (i % 3), escape(window.label())));
        }
        axes(svg, lengthNanos, peak);
        StringBuilder throughput = new StringBuilder();
        StringBuilder p50 = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        StringBuilder max = new StringBuilder();
        for (int b = 0; b < buckets; b++) {
            double x = x(b * BUCKET_NANOS + BUCKET_NANOS / 2, lengthNanos);
            throughput.append(String.format(Locale.ROOT, "%.1f,%.1f ", x,
                    THROUGHPUT_TOP + THROUGHPUT_HEIGHT - THROUGHPUT_HEIGHT * (double) ok[b] / peak));
            List<Double> bucket = latencies.get(b);
            if (!bucket.isEmpty()) {
                double[] sorted = bucket.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                p50.append(point(x, percentile(sorted, 0.50)));
                p99.append(point(x, percentile(sorted, 0.99)));
                max.append(point(x, sorted[sorted.length - 1]));
            }
        }
        svg.append("<polyline fill=\"none\" stroke=\"#1f618d\" stroke-width=\"1.5\" points=\"").append(throughput)
                .append("\"/>\n");
        svg.append("<polyline fill=\"none\" stroke=\"#aab7b8\" stroke-width=\"1\" points=\"").append(max).append("\"/>\n");
        svg.append("<polyline fill=\"none\" stroke=\"#d35400\" stroke-width=\"1.2\" points=\"").append(p99).append("\"/>\n");
        svg.append("<polyline fill=\"none\" stroke=\"#196f3d\" stroke-width=\"1.5\" points=\"").append(p50).append("\"/>\n");
        svg.append(marks);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">ok operations per second (peak %d)</text>\n",
                LEFT, THROUGHPUT_TOP + THROUGHPUT_HEIGHT + 14, (int) (peak * 1e9 / BUCKET_NANOS)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">latency, ms (log): <tspan fill=\"#196f3d\">p50</tspan>"
                        + " <tspan fill=\"#d35400\">p99</tspan> <tspan fill=\"#aab7b8\">max</tspan> per %d ms;"
                        + " <tspan fill=\"#c0392b\">● failed</tspan> <tspan fill=\"#e67e22\">● unknown</tspan>;"
                        + " shaded: fault windows</text>\n", LEFT, LATENCY_TOP + LATENCY_HEIGHT + 30,
                BUCKET_NANOS / 1_000_000));
        svg.append("</svg>\n");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>\n"
                + "<body style=\"font-family:sans-serif\">\n<h3>" + escape(title) + "</h3>\n" + svg + "</body></html>\n";
    }

    private static void axes(StringBuilder svg, long lengthNanos, int peak) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LEFT,
                THROUGHPUT_TOP + THROUGHPUT_HEIGHT, LEFT + PLOT_WIDTH, THROUGHPUT_TOP + THROUGHPUT_HEIGHT));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LEFT,
                LATENCY_TOP + LATENCY_HEIGHT, LEFT + PLOT_WIDTH, LATENCY_TOP + LATENCY_HEIGHT));
        for (long second = 0; second * 1_000_000_000L <= lengthNanos; second += 5) {
            double x = x(second * 1_000_000_000L, lengthNanos);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>\n", x,
                    LATENCY_TOP + LATENCY_HEIGHT + 14, second));
        }
        for (double ms = MIN_LATENCY_MS; ms <= MAX_LATENCY_MS; ms *= 10) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>"
                            + "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", LEFT - 4,
                    latencyY(ms) + 4, ms < 1 ? String.valueOf(ms) : String.valueOf((long) ms), LEFT, LEFT + PLOT_WIDTH,
                    latencyY(ms), latencyY(ms)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", LEFT - 4,
                THROUGHPUT_TOP + 4, (int) (peak * 1e9 / BUCKET_NANOS)));
    }

    private static String mark(long end, double latencyMs, long lengthNanos, String color) {
        return String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
                x(end, lengthNanos), latencyY(latencyMs), color);
    }

    private static String point(double x, double latencyMs) {
        return String.format(Locale.ROOT, "%.1f,%.1f ", x, latencyY(latencyMs));
    }

    private static double percentile(double[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
    }

    private static double x(long nanos, long lengthNanos) {
        return LEFT + PLOT_WIDTH * Math.min(1.0, Math.max(0.0, (double) nanos / lengthNanos));
    }

    private static double latencyY(double ms) {
        double clamped = Math.max(MIN_LATENCY_MS, Math.min(MAX_LATENCY_MS, ms));
        double span = Math.log10(MAX_LATENCY_MS) - Math.log10(MIN_LATENCY_MS);
        return LATENCY_TOP + LATENCY_HEIGHT - LATENCY_HEIGHT * (Math.log10(clamped) - Math.log10(MIN_LATENCY_MS)) / span;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
