package io.chronon.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The helm binary, run on the repository's chart. Missing, it fails the test and says how to
 * install it (never a skip).
 */
final class Helm {
    static final Path REPOSITORY = Path.of(System.getProperty("chronon.repository", "..")).toAbsolutePath().normalize();
    static final Path CHART = REPOSITORY.resolve("helm/chronon");
    private static final Path BINARY = Path.of(System.getProperty("chronon.helm", "/var/tmp/chronon-helm/helm"));

    /** What one helm command printed, and how it ended. */
    record Run(int exit, String out, String err) {
        Run succeeded() {
            if (exit != 0) {
                throw new AssertionError("helm failed with exit " + exit + ":\n" + err + out);
            }
            return this;
        }
    }

    private Helm() {}

    static Run run(String... arguments) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("these tests need Helm at " + BINARY + ": install it with .ci/helm/install"
                    + " (or point -Dchronon.helm at a helm binary)");
        }
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(arguments));
        try {
            Path out = Files.createTempFile("helm", ".out");
            Path err = Files.createTempFile("helm", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("helm did not finish in 60 s: " + command);
            }
            Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code helm template <release> helm/chronon} with these {@code --set} values. */
    static Run template(String release, String... settings) {
        List<String> arguments = new ArrayList<>(List.of("template", release, CHART.toString(), "--namespace", "bank"));
        for (String setting : settings) {
            arguments.add("--set");
            arguments.add(setting);
        }
        return run(arguments.toArray(String[]::new));
    }
}
