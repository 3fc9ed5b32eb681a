package io.chronon.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/chronon.yaml} is the chart's default render (release {@code chronon}) without what only
 * Helm has: its labels ({@code helm.sh/chart}, {@code app.kubernetes.io/managed-by}), its source
 * comments and the Secret it generates (with plain manifests the operator creates the Secret; see
 * {@code k8s/README.md}). This test fails when the two drift apart; run it with
 * {@code -Dchronon.k8s.write=true} to write the file afresh from the chart.
 */
class PlainManifestsTest {
    static final Path PLAIN = Helm.REPOSITORY.resolve("k8s/chronon.yaml");
    private static final String HEADER = """
            # Chronon on Kubernetes without Helm: a 3-replica StatefulSet, its headless and client Services and a
            # PodDisruptionBudget. Generated from the Helm chart (helm/chronon, release "chronon", default values);
            # do not edit by hand: PlainManifestsTest in deploy/ fails when this file and the chart differ, and
            # ./mvnw -pl deploy test -Dtest=PlainManifestsTest -Dchronon.k8s.write=true writes it afresh.
            # Create the Secret "chronon" first (see k8s/README.md).
            """;
    private static final Pattern HELM_LINE = Pattern.compile(
            "^\\s*(helm\\.sh/chart|app\\.kubernetes\\.io/managed-by):.*$|^# Source: .*$");

    /** The chart's default render as plain manifests. */
    static String plainRender() {
        String render = Helm.run("template", "chronon", Helm.CHART.toString()).succeeded().out();
        List<String> documents = new ArrayList<>();
        for (String document : render.split("(?m)^---\\s*$")) {
            if (document.isBlank() || Manifests.parse(document).all().stream().anyMatch(Secret.class::isInstance)) {
                continue;
            }
            StringBuilder kept = new StringBuilder();
            for (String line : document.strip().split("\n")) {
                if (!HELM_LINE.matcher(line).matches()) {
                    kept.append(line).append('\n');
                }
            }
            documents.add(kept.toString());
        }
        return HEADER + "---\n" + String.join("---\n", documents);
    }

    @Test
    void thePlainManifestsAreTheChartsDefaultRenderWithoutHelmsLabelsAndSecret() throws IOException {
        String expected = plainRender();
        if (Boolean.getBoolean("chronon.k8s.write")) {
            Files.writeString(PLAIN, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(PLAIN, StandardCharsets.UTF_8),
                "k8s/chronon.yaml differs from the chart's render: write it afresh (see the class comment)");
        List<String> kinds = Manifests.parse(Files.readString(PLAIN)).all().stream().map(HasMetadata::getKind)
                .sorted().toList();
        assertEquals(List.of("PodDisruptionBudget", "Service", "Service", "StatefulSet"), kinds);
    }
}
