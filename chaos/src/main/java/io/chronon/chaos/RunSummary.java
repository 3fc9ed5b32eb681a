package io.chronon.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one schedule did and found: its seed and shape, the operations by outcome, the faults injected,
 * every checker's conclusion, and where its files are. Written as {@code summary.json} beside the
 * history and the timeline; a run directory with one is complete (a resumed command skips it).
 */
public record RunSummary(long seed, String workload, int nodes, long durationSeconds, long operations, long ok,
                         long failed, long unknown, List<String> faults, List<String> nemesisProblems,
                         List<CheckResult> checks, String error, long elapsedSeconds, String directory) {
    static final String FILE = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        faults = List.copyOf(faults);
        nemesisProblems = List.copyOf(nemesisProblems);
        checks = List.copyOf(checks);
    }

    /** Failed checks, plus a run that could not finish (a cluster that never came back counts). */
    public List<String> anomalies() {
        List<String> anomalies = new ArrayList<>();
        if (error != null) {
            anomalies.add(error);
        }
        for (CheckResult check : checks) {
            if (!check.passed()) {
                anomalies.add(check.name() + ": " + check.detail());
            }
        }
        return anomalies;
    }

    /** One line for the console. */
    public String line() {
        List<String> anomalies = anomalies();
        return String.format("seed %d %s n=%d %ds: %d ops (%d ok, %d failed, %d unknown), %d faults, %s (%d s)",
                seed, workload, nodes, durationSeconds, operations, ok, failed, unknown, faults.size(),
                anomalies.isEmpty() ? "0 anomalies" : anomalies.size() + " ANOMALIES: " + anomalies.getFirst(),
                elapsedSeconds);
    }

    void write(Path directory) {
        try {
            JsonNode tree = JSON.valueToTree(this);
            ((ObjectNode) tree).putPOJO("anomalies", anomalies());
            Files.writeString(directory.resolve(FILE), JSON.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary in " + directory, e);
        }
    }

    static RunSummary read(Path file) {
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            ((ObjectNode) tree).remove("anomalies");
            return JSON.treeToValue(tree, RunSummary.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the summary " + file, e);
        }
    }
}
