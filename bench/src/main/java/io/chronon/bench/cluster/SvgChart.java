package io.chronon.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * A two-panel bar chart, as SVG: median throughput (with the min–max range of the repetitions) and
 * median p99 latency, per workload and system, both on log scales because closed-1 and batching differ by
 * orders of magnitude.
 */
final class SvgChart {
    private static final Map<String, String> COLOURS = Map.of("chronon", "#1f6fb4", "etcd", "#3a9a3a", "ratis", "#c8402f");
    private static final int PANEL_WIDTH = 460;
    private static final int HEIGHT = 340;
    private static final int TOP = 50;
    private static final int BOTTOM = 290;
    private static final int LEFT = 60;

    private final Report report;
    private final List<String> systems;
    private final List<String> workloads;

    SvgChart(Report report, List<String> systems, List<String> workloads) {
        this.report = report;
        this.systems = systems;
        this.workloads = workloads;
    }

    String render(String caption) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                2 * PANEL_WIDTH, HEIGHT + 20));
        panel(svg, 0, "commands/s (median, bar: min–max), log scale", RunResult::throughput, true);
        panel(svg, PANEL_WIDTH, "p99 latency per request, ms (median), log scale", r -> r.latency().p99(), false);
        int x = LEFT;
        for (String system : systems) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, HEIGHT - 2, COLOURS.get(system), x + 14, HEIGHT + 7, system));
            x += 80;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">%s</text>%n", x + 10, HEIGHT + 7,
                escape(caption)));
        return svg.append("</svg>\n").toString();
    }

    private void panel(StringBuilder svg, int originX, String title, ToDoubleFunction<RunResult> measure, boolean range) {
        List<Double> values = new ArrayList<>();
        for (String workload : workloads) {
            for (String system : systems) {
                report.summary(system, workload).ifPresent(s -> {
                    values.add(s.min(measure));
                    values.add(s.max(measure));
                });
            }
        }
        double low = Math.pow(10, Math.floor(Math.log10(values.stream().filter(v -> v > 0).min(Double::compare).orElse(1.0))));
        double high = Math.max(low * 10,
                Math.pow(10, Math.ceil(Math.log10(values.stream().filter(v -> v > 0).max(Double::compare).orElse(10.0)))));
        int right = originX + PANEL_WIDTH - 20;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"25\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                originX + LEFT, escape(title)));
        for (double tick = low; tick <= high * 1.001; tick *= 10) {
            double y = y(tick, low, high);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", originX + LEFT, y, right, y,
                    originX + LEFT - 4, y + 4, Report.count(tick)));
        }
        double groupWidth = (double) (right - originX - LEFT) / workloads.size();
        double barWidth = (groupWidth - 16) / systems.size();
        for (int w = 0; w < workloads.size(); w++) {
            double groupX = originX + LEFT + w * groupWidth + 8;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    groupX + (groupWidth - 16) / 2, BOTTOM + 15, escape(workloads.get(w))));
            for (int s = 0; s < systems.size(); s++) {
                Optional<Summary> summary = report.summary(systems.get(s), workloads.get(w));
                if (summary.isEmpty()) {
                    continue;
                }
                double median = summary.get().median(measure);
                double x = groupX + s * barWidth;
                double top = y(median, low, high);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                        + " fill=\"%s\"/>%n", x + 1, top, barWidth - 2, BOTTOM - top, COLOURS.get(systems.get(s))));
                if (range) {
                    double centre = x + barWidth / 2;
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                                    + " stroke=\"black\"/>%n", centre, y(summary.get().min(measure), low, high), centre,
                            y(summary.get().max(measure), low, high)));
                }
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
                        + " font-size=\"9\">%s</text>%n", x + barWidth / 2, top - 3, range ? Report.count(median)
                        : Report.ms(median)));
            }
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                originX + LEFT, BOTTOM, right, BOTTOM));
    }

    /** The vertical position of a value on a log axis from low (bottom) to high (top). */
    private static double y(double value, double low, double high) {
        double clamped = Math.max(low, Math.min(high, value));
        return BOTTOM - (BOTTOM - TOP) * (Math.log10(clamped) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
