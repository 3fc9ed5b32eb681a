package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.chronon.client.ChrononClient;
import io.chronon.kernel.EffectId;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import io.chronon.testkit.ProxyMesh;

/**
 * Three packaged nodes on loopback for the multi-process tests: their own data directories, the
 * cluster secret, peer links through a proxy mesh, and the calls the tests make (status, commands
 * with sessions, queries, metrics). Nodes are created stopped; {@link #startAll()} starts them.
 */
final class LocalCluster implements AutoCloseable {
    static final String SECRET = "local-cluster-secret";
    private static final Pattern ROLE = Pattern.compile("\"role\":\"([A-Z_]+)\"");
    private static final Pattern CLUSTER_ID = Pattern.compile("\"clusterId\":\"([0-9a-f-]+)\"");
    private static final String NUMBER_FIELD = "\"%s\":(-?\\d+|null)";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private final Path logDirectory;
    private final ProxyMesh mesh;
    private final Random random;

    /**
     * @param name       names the log directory of this cluster, a fresh one of its own
     *                   ({@code target/it-logs/<name>-<time>-<suffix>/}, see {@link ItLogs}), and the
     *                   nodes' files in it ({@code <name>-<id>.log})
     * @param properties further system properties of every node
     */
    LocalCluster(String name, long seed, Map<String, String> properties) throws IOException {
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged node is missing: " + jar);
        int[] ports = Ports.free(3);
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            addresses.add(new InetSocketAddress("127.0.0.1", port));
            members.add("127.0.0.1:" + port);
        }
        logDirectory = ItLogs.freshDirectory(name);
        mesh = ProxyMesh.start(addresses, seed);
        random = new Random(seed);
        for (int id = 0; id < ports.length; id++) {
            Path dataDir = Files.createTempDirectory("chronon-" + name + "-" + id);
            dataDirs.add(dataDir);
            NodeSpec spec = NodeSpec.builder(name + "-" + id).jar(jar).httpPort(ports[id]).dataDir(dataDir)
                    .systemProperty(NodeSpec.NODE_ID, Integer.toString(id))
                    .systemProperty(NodeSpec.MEMBERS, String.join(",", members))
                    .systemProperty(NodeSpec.DIAL_ADDRESSES, mesh.dialAddresses(id))
                    .systemProperty("chronon.cluster-secret", SECRET)
                    .systemProperty("chronon.command-timeout", "3s")
                    .systemProperties(properties)
                    .logFile(logDirectory.resolve(name + "-" + id + ".log")).build();
            nodes.add(new NodeProcess(spec));
        }
    }

    /** Starts every node and waits until each serves HTTP. */
    LocalCluster startAll() {
        nodes.forEach(NodeProcess::start);
        nodes.forEach(node -> node.awaitHttp("/chronon/status", 200, Duration.ofSeconds(60)));
        return this;
    }

    /** Stops the node (if it runs) and starts it again with these system properties changed. */
    void restartWith(int id, Map<String, String> properties) {
        NodeProcess old = nodes.get(id);
        old.close();
        NodeProcess restarted = new NodeProcess(old.spec().toBuilder().systemProperties(properties).build());
        nodes.set(id, restarted);
        restarted.start();
    }

    /**
     * Watches for nodes that stopped at a test halt point (exit status 86) and restarts each without
     * halt points, so that the cluster comes back; any other exit is a failure. Stop it with
     * {@link HaltRestarter#close()}.
     */
    HaltRestarter restartHaltedNodes(Queue<Throwable> failures) {
        return new HaltRestarter(failures);
    }

    /** The thread of {@link #restartHaltedNodes}, and which nodes it restarted. */
    final class HaltRestarter implements AutoCloseable {
        private static final int HALT_EXIT_STATUS = 86;
        private final List<Integer> halted = new ArrayList<>();
        private final Thread thread;
        private volatile boolean done;

        private HaltRestarter(Queue<Throwable> failures) {
            thread = Thread.ofPlatform().name("halt-restarter").start(() -> {
                while (!done) {
                    for (int id = 0; id < nodes.size(); id++) {
                        OptionalInt exit = nodes.get(id).exitValue();
                        if (exit.isPresent()) {
                            if (exit.getAsInt() != HALT_EXIT_STATUS) {
                                failures.add(new AssertionError("node " + id + " exited with " + exit.getAsInt()));
                            }
                            synchronized (halted) {
                                halted.add(id);
                            }
                            restartWith(id, Map.of("chronon.test.halt-points", ""));
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        List<Integer> halted() {
            synchronized (halted) {
                return List.copyOf(halted);
            }
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            thread.join();
        }
    }

    /**
     * On a thread of its own, {@code kills} times: waits 1 to 3 s (from the cluster's seed), SIGKILLs
     * the primary, and starts it again 0.5 to 1.5 s later. {@link PrimaryKiller#finish()} waits for it.
     */
    PrimaryKiller killPrimaryRepeatedly(int kills) {
        return new PrimaryKiller(kills);
    }

    /** The thread of {@link #killPrimaryRepeatedly}. */
    final class PrimaryKiller {
        private final Thread thread;
        private volatile Throwable failure;

        private PrimaryKiller(int kills) {
            thread = Thread.ofPlatform().name("primary-killer").start(() -> {
                try {
                    for (int kill = 0; kill < kills; kill++) {
                        Thread.sleep(1_000 + random.nextInt(2_000));
                        int primary = awaitPrimary();
                        nodes.get(primary).kill();
                        Thread.sleep(500 + random.nextInt(1_000));
                        nodes.get(primary).start();
                    }
                } catch (Throwable e) {
                    failure = e;
                }
            });
        }

        /** Waits until every kill and restart is done; fails if one could not be made. */
        void finish() throws InterruptedException {
            thread.join();
            if (failure != null) {
                throw new AssertionError("the primary killer failed", failure);
            }
        }
    }

    /** The primary paused in the middle of a delivery, the primary that replaced it, and the transfer. */
    record PausedPrimary(int zombie, int successor, long transfer) {}

    /**
     * Deposits into {@code from}, sends a transfer of 7 to {@code to} through the primary, and freezes
     * that primary (SIGSTOP) while its delivery of the transfer's effects still waits (the nodes run
     * with {@code chronon.test.effect-delay}): a zombie in the making. Returns once another primary
     * leads.
     */
    PausedPrimary transferThenPausePrimary(String from, String to) throws InterruptedException {
        try (ChrononClient client = client(urls())) {
            client.submit(deposit(from, 100));
        }
        int zombie = awaitPrimary();
        long transfer;
        try (ChrononClient client = client(List.of(urls().get(zombie)))) {
            transfer = client.submit(transfer(from, to, 7)).index();
        }
        nodes.get(zombie).pause();
        return new PausedPrimary(zombie, awaitPrimary(replica -> replica != zombie), transfer);
    }

    /**
     * The last lines of every node's log, one after the other: this cluster's nodes only (their log
     * files are in {@link #logDirectory()}, which no other cluster or earlier run writes to), across
     * their restarts.
     */
    String logTails() {
        StringBuilder all = new StringBuilder();
        for (NodeProcess node : nodes) {
            all.append(node.logTail(5_000));
        }
        return all.toString();
    }

    /** Where this cluster's nodes write their logs: a directory created empty for it. */
    Path logDirectory() {
        return logDirectory;
    }

    NodeProcess node(int id) {
        return nodes.get(id);
    }

    int size() {
        return nodes.size();
    }

    ProxyMesh mesh() {
        return mesh;
    }

    Path dataDir(int id) {
        return dataDirs.get(id);
    }

    List<String> urls() {
        return nodes.stream().map(node -> node.uri("").toString()).toList();
    }

    static ChrononClient client(List<String> urls) {
        return ChrononClient.builder().nodes(urls).attemptTimeout(Duration.ofSeconds(5))
                .deadline(Duration.ofSeconds(60)).build();
    }

    /** The replica that says it is the primary, once one does. */
    int awaitPrimary() throws InterruptedException {
        return awaitPrimary(replica -> true);
    }

    int awaitPrimary(IntPredicate among) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (int node = 0; node < nodes.size(); node++) {
                if (nodes.get(node).isAlive() && among.test(node)) {
                    Matcher role = ROLE.matcher(status(node));
                    if (role.find() && role.group(1).equals("PRIMARY")) {
                        return node;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no primary within 60 s");
    }

    /**
     * Deposits 1,000 into {@code from}, then moves 1 to {@code to} {@code count} times, through a client
     * that retries across the nodes; returns the transfers' log indices.
     */
    List<Long> depositThenTransfer(String from, String to, int count) throws InterruptedException {
        List<Long> transfers = new ArrayList<>();
        try (ChrononClient client = client(urls())) {
            client.submit(deposit(from, 1_000));
            for (int i = 0; i < count; i++) {
                transfers.add(client.submit(transfer(from, to, 1)).index());
            }
        }
        return transfers;
    }

    /** The cluster id a node reports, or null before it belongs to a cluster (or if it does not answer). */
    String clusterId(int node) {
        Matcher cluster = CLUSTER_ID.matcher(status(node));
        return cluster.find() ? cluster.group(1) : null;
    }

    /**
     * The cluster id, from the first node that reports one: in the halt tests nodes stop and restart
     * while the test runs, so the primary found a moment ago may not answer now.
     */
    String awaitClusterId() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (int node = 0; node < nodes.size(); node++) {
                String cluster = clusterId(node);
                if (cluster != null) {
                    return cluster;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no node reported its cluster id within 60 s");
            Thread.sleep(100);
        }
    }

    /** The ids of the bank's {@code transfers} effects (ordinal 1 of each transfer) of the given entries. */
    static Set<String> transferEffectIds(String cluster, List<Long> transfers) {
        Set<String> ids = new HashSet<>();
        for (long index : transfers) {
            ids.add(EffectId.of(UUID.fromString(cluster), index, 1).toString());
        }
        return ids;
    }

    /** The node's status JSON, or "" if it does not answer. */
    String status(int node) {
        return get(node, "/chronon/status");
    }

    String get(int node, String path) {
        try {
            return nodes.get(node).get(path, Duration.ofSeconds(5)).body();
        } catch (Exception e) {
            return "";
        }
    }

    long view(int node) {
        return number(status(node), "view");
    }

    /**
     * The answer to a query on one node. A 503 (a view change in progress, no primary yet) is retried
     * for up to 30 seconds, as a client would: a test that just restarted a node may catch the cluster
     * between views.
     */
    String query(int node, String query, boolean local) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(nodes.get(node).uri("/chronon/queries"
                            + (local ? "?consistency=local" : ""))).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 503 || System.nanoTime() > deadline) {
                assertEquals(200, answer.statusCode(), answer.body());
                return answer.body();
            }
            Thread.sleep(100);
        }
    }

    HttpResponse<String> command(int node, UUID client, long requestNumber, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(nodes.get(node).uri("/chronon/commands"))
                .header("Content-Type", "application/json").header("Chronon-Client-Id", client.toString())
                .header("Chronon-Request-Number", Long.toString(requestNumber)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(command)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a Prometheus counter on a node, 0 when it has not counted yet or does not answer. */
    double counter(int node, String line) {
        for (String metric : get(node, "/q/metrics").lines().toList()) {
            if (metric.startsWith(line + " ")) {
                return Double.parseDouble(metric.substring(line.length() + 1).trim());
            }
        }
        return 0;
    }

    /** Kills the node, empties its data directory, and leaves it stopped. */
    void wipe(int node) throws IOException {
        nodes.get(node).kill();
        try (Stream<Path> paths = Files.walk(dataDirs.get(node))) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dataDirs.get(node))) {
                    Files.delete(path);
                }
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        mesh.close();
    }

    static String deposit(String account, long amount) {
        return "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"amount\":" + amount + "}";
    }

    static String transfer(String from, String to, long amount) {
        return "{\"type\":\"transfer\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}";
    }

    static long balance(String balances, String account) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(account) + "\":(\\d+)").matcher(balances);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** The state part of a query answer, without the index it was read at. */
    static String stateOf(String answer) {
        return answer.substring(answer.indexOf("\"result\""));
    }

    static long number(String json, String field) {
        Matcher matcher = Pattern.compile(String.format(NUMBER_FIELD, field)).matcher(json);
        if (!matcher.find() || matcher.group(1).equals("null")) {
            return -1;
        }
        return Long.parseLong(matcher.group(1));
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits up to 60 s for the condition; stops early when a client of the test failed. */
    static void awaitTrue(Condition condition, Queue<Throwable> failures, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!failures.isEmpty()) {
                throw new AssertionError("a client failed while waiting for " + what, failures.peek());
            }
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                // Not yet: the node may be starting or still joining.
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within 60 s: " + what);
    }
}
