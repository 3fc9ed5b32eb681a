package io.chronon.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.client.ChrononClient;
import io.chronon.testkit.History;

/**
 * One schedule from start to verdict: a fresh cluster (and database, for the bank), the workload's
 * clients and the nemesis side by side for the schedule's duration, then every fault healed, the
 * replicas converged, and the checkers run. Leaves in its directory the history, the timeline, the
 * nodes' logs and the summary; the data directories are removed when nothing was found.
 */
final class ChaosRun {
    static final String HISTORY_FILE = "history.jsonl";
    static final String TIMELINE_FILE = "timeline.html";
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    private static final Duration LINEARIZABILITY_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schedule schedule;
    private final Path nodeJar;
    private final Path directory;
    private final int clients;

    ChaosRun(Schedule schedule, Path nodeJar, Path directory, int clients) {
        this.schedule = schedule;
        this.nodeJar = nodeJar;
        this.directory = directory;
        this.clients = clients;
    }

    /** The directory name of a schedule inside the output directory. */
    static String directoryName(Schedule schedule) {
        return schedule.workload().application() + "-n" + schedule.nodes() + "-seed" + schedule.seed();
    }

    RunSummary execute() throws InterruptedException, IOException {
        long began = System.nanoTime();
        Files.createDirectories(directory);
        ChaosDatabase database = schedule.workload() == Workload.BANK ? ChaosDatabase.create() : null;
        // Replaced when the clients start: the history's time 0 is the nemesis's.
        History history = new History();
        long origin = System.nanoTime();
        Nemesis nemesis = null;
        List<CheckResult> checks = new ArrayList<>();
        String error = null;
        try (ChaosCluster cluster = new ChaosCluster("chaos-" + schedule.seed(), nodeJar, schedule.nodes(),
                schedule.seed(), directory, nodeProperties(database))) {
            cluster.startAll().awaitPrimary(Duration.ofSeconds(60));
            if (database != null) {
                BankWorkload.open(cluster);
            }
            ClientWorkload workload = database != null ? new BankWorkload() : new KvWorkload();
            nemesis = new Nemesis(cluster, schedule);
            origin = System.nanoTime();
            history = new History();
            nemesis.start(origin);
            workload.run(cluster, clients, schedule.seed(), origin + schedule.duration().toNanos(), history);
            nemesis.join();
            try {
                cluster.healEverything(RECOVERY);
                long through = cluster.awaitConvergence(RECOVERY);
                checks.addAll(check(cluster, database, history, through));
            } catch (IllegalStateException noRecovery) {
                error = "liveness: " + noRecovery.getMessage();
            }
        } catch (IllegalStateException | UncheckedIOException e) {
            error = "the run could not complete: " + e.getMessage();
        } finally {
            if (database != null) {
                database.close();
            }
        }
        List<History.Operation> operations = history.operations();
        history.write(directory.resolve(HISTORY_FILE));
        List<Nemesis.Injected> injected = nemesis == null ? List.of() : nemesis.injected();
        List<Timeline.Window> windows = new ArrayList<>();
        for (Nemesis.Injected fault : injected) {
            windows.add(new Timeline.Window(fault.description(), fault.startNanos() - origin, fault.endNanos() - origin));
        }
        Files.writeString(directory.resolve(TIMELINE_FILE), Timeline.render(directoryName(schedule), operations,
                windows, schedule.duration().toNanos()));
        RunSummary summary = new RunSummary(schedule.seed(), schedule.workload().application(), schedule.nodes(),
                schedule.duration().toSeconds(), operations.size(),
                count(operations, History.Ok.class), count(operations, History.Fail.class),
                operations.stream().filter(op -> !op.outcomeKnown()).count(),
                injected.stream().map(Nemesis.Injected::description).toList(),
                nemesis == null ? List.of() : nemesis.problems(), checks, error,
                Duration.ofNanos(System.nanoTime() - began).toSeconds(), directory.toString());
        summary.write(directory);
        if (summary.anomalies().isEmpty()) {
            removeDataDirectories();
        }
        return summary;
    }

    private Map<String, String> nodeProperties(ChaosDatabase database) {
        Map<String, String> properties = new HashMap<>();
        properties.put("chronon.application", schedule.workload().application());
        properties.put("chronon.effects.\"transfers\".sink", "journal");
        if (database == null) {
            properties.put("chronon.effects.\"statements\".sink", "journal");
        } else {
            properties.putAll(database.nodeConfig());
        }
        return properties;
    }

    private List<CheckResult> check(ChaosCluster cluster, ChaosDatabase database, History history, long through)
            throws InterruptedException {
        List<CheckResult> checks = new ArrayList<>();
        CommittedLog log = CommittedLog.fetch(cluster, cluster.awaitPrimary(RECOVERY), through);
        checks.add(LogAgreement.check(cluster, log, through));
        List<History.Operation> operations = history.operations();
        if (database == null) {
            checks.add(KvLinearizability.check(operations, LINEARIZABILITY_TIMEOUT));
        } else {
            checks.add(BankInvariants.check(operations, log, finalBalances(cluster)));
            checks.add(ExactlyOnceRows.check(database, log, Duration.ofSeconds(60)));
        }
        return checks;
    }

    private static JsonNode finalBalances(ChaosCluster cluster) throws InterruptedException {
        try (ChrononClient client = ChrononClient.builder().nodes(cluster.urls()).deadline(RECOVERY).build()) {
            return JSON.readTree(client.query("{\"type\":\"balances\"}").result());
        } catch (IOException e) {
            throw new UncheckedIOException("the balances are not JSON", e);
        }
    }

    private static long count(List<History.Operation> operations, Class<? extends History.Completion> kind) {
        return operations.stream().filter(op -> kind.isInstance(op.completion())).count();
    }

    private void removeDataDirectories() throws IOException {
        try (Stream<Path> data = Files.list(directory)) {
            for (Path dataDir : data.filter(p -> p.getFileName().toString().startsWith("data-")).toList()) {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }
}
