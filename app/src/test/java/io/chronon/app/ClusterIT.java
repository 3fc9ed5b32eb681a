package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.chronon.client.ChrononClient;
import io.chronon.client.CommandResult;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import io.chronon.testkit.ProxyMesh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three packaged nodes on loopback, their peer links through per-link proxies (the test kit's
 * {@link ProxyMesh}), the bank workload
 * through REST with client sessions from several clients at once. The primary is SIGKILLed mid-run:
 * another is elected and serves, the killed node restarts from its disk and catches up. At the end,
 * every acknowledged transfer is in the state exactly once (each client owns an account pair, so its
 * count of acknowledged transfers must equal its sink's balance), money is conserved, every replica
 * holds the same balances, and a retried request number is answered from the session table, not
 * applied again. And a primary cut off from both peers is replaced by the majority, then rejoins as a
 * backup of the new view when the partition heals.
 */
class ClusterIT {
    private static final int CLIENTS = 4;
    private static final long OPENING_BALANCE = 1_000_000;
    private static final String SECRET = "cluster-it-secret";
    private static final Pattern ROLE = Pattern.compile("\"role\":\"([A-Z_]+)\"");
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"%s\":(-?\\d+|null)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private ProxyMesh mesh;

    @AfterEach
    void stop() {
        nodes.forEach(NodeProcess::close);
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void aKilledPrimaryIsReplacedAndRejoinsWithoutLosingOrRepeatingATransfer() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ClusterIT seed " + seed);
        startCluster(seed);
        List<String> urls = nodes.stream().map(node -> node.uri("").toString()).toList();

        try (ChrononClient setup = client(urls)) {
            for (int c = 0; c < CLIENTS; c++) {
                setup.submit(deposit("c" + c, OPENING_BALANCE));
            }
        }
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong[] acknowledged = new AtomicLong[CLIENTS];
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong highestView = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            acknowledged[c] = new AtomicLong();
            workers.add(Thread.ofPlatform().name("cluster-it-client-" + c).start(() -> {
                try (ChrononClient chronon = client(urls)) {
                    while (!stopping.get()) {
                        CommandResult result = chronon.submit("{\"type\":\"transfer\",\"from\":\"c" + client
                                + "\",\"to\":\"s" + client + "\",\"amount\":1}");
                        acknowledged[client].incrementAndGet();
                        highestView.accumulateAndGet(result.view(), Math::max);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }

        awaitAcknowledged(acknowledged, 20, failures);
        int primary = awaitPrimary();
        long viewBefore = view(nodes.get(primary));
        nodes.get(primary).kill();
        long killedAt = total(acknowledged);
        awaitTrue(() -> total(acknowledged) >= killedAt + 20 && highestView.get() > viewBefore, failures,
                "transfers committed in a new view after the primary was killed");

        nodes.get(primary).restart();
        nodes.get(primary).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        long restartedAt = total(acknowledged);
        awaitTrue(() -> total(acknowledged) >= restartedAt + 20, failures, "transfers after the restart");
        stopping.set(true);
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(90));
        }
        assertTrue(failures.isEmpty(), () -> "a client failed: " + failures.peek());

        String balances = query(0, "{\"type\":\"balances\"}", false);
        long total = 0;
        for (int c = 0; c < CLIENTS; c++) {
            long sink = balance(balances, "s" + c);
            long source = balance(balances, "c" + c);
            assertEquals(acknowledged[c].get(), sink, "client " + c + ": acknowledged transfers vs. its sink's"
                    + " balance (lost or applied twice)");
            assertEquals(OPENING_BALANCE, sink + source, "client " + c + "'s money");
            total += sink + source;
        }
        assertEquals(CLIENTS * OPENING_BALANCE, total, "money is conserved");

        long commitIndex = number(get(nodes.get(awaitPrimary()), "/chronon/status"), "commitIndex");
        for (int node = 0; node < nodes.size(); node++) {
            int replica = node;
            awaitTrue(() -> number(get(nodes.get(replica), "/chronon/status"), "appliedIndex") >= commitIndex,
                    failures, "replica " + replica + " caught up to index " + commitIndex);
            assertEquals(stateOf(balances), stateOf(query(node, "{\"type\":\"balances\"}", true)),
                    "replica " + node + " holds the same balances");
        }

        UUID retrying = UUID.randomUUID();
        HttpResponse<String> first = command(1, retrying, 1, deposit("retried", 5));
        HttpResponse<String> again = command(2, retrying, 1, deposit("retried", 5));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(first.statusCode(), again.statusCode());
        assertEquals(first.body(), again.body(), "a retry is answered from the session table");
        assertEquals(5, balance(query(0, "{\"type\":\"balances\"}", false), "retried"),
                "the retried deposit was applied once");
    }

    @Test
    void anIsolatedPrimaryIsReplacedAndRejoinsWhenThePartitionHeals() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ClusterIT seed " + seed);
        startCluster(seed);
        List<String> urls = nodes.stream().map(node -> node.uri("").toString()).toList();
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("before", 10));
        }
        int isolated = awaitPrimary();
        long oldView = view(nodes.get(isolated));
        mesh.isolate(isolated);
        // The cut-off primary cannot commit: its client hears 503 or 504 and retries the same request
        // number elsewhere, where it is applied once.
        UUID session = UUID.randomUUID();
        HttpResponse<String> cutOff = command(isolated, session, 1, deposit("retried-elsewhere", 5));
        assertTrue(cutOff.statusCode() == 503 || cutOff.statusCode() == 504, cutOff.statusCode() + " " + cutOff.body());
        int other = isolated == 0 ? 1 : 0;
        HttpResponse<String> retried = command(other, session, 1, deposit("retried-elsewhere", 5));
        long retryDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (retried.statusCode() != 200 && System.nanoTime() < retryDeadline) {
            Thread.sleep(100);
            retried = command(other, session, 1, deposit("retried-elsewhere", 5));
        }
        assertEquals(200, retried.statusCode(), retried.body());

        List<String> majority = new ArrayList<>(urls);
        majority.remove(isolated);
        CommandResult during;
        try (ChrononClient client = client(majority)) {
            during = client.submit(deposit("during", 20));
        }
        assertTrue(during.view() > oldView, "committed in a new view: " + during.view() + " > " + oldView);
        int primary = awaitPrimary(replica -> replica != isolated);

        mesh.heal();
        long commitIndex = number(get(nodes.get(primary), "/chronon/status"), "commitIndex");
        ConcurrentLinkedQueue<Throwable> none = new ConcurrentLinkedQueue<>();
        awaitTrue(() -> {
            String status = get(nodes.get(isolated), "/chronon/status");
            return status.contains("\"role\":\"BACKUP\"") && number(status, "view") >= during.view()
                    && number(status, "appliedIndex") >= commitIndex;
        }, none, "the isolated replica rejoined as a backup and caught up to index " + commitIndex);
        assertEquals(stateOf(query(primary, "{\"type\":\"balances\"}", false)),
                stateOf(query(isolated, "{\"type\":\"balances\"}", true)), "the rejoined replica's state");
        assertEquals(20, balance(query(isolated, "{\"type\":\"balances\"}", true), "during"));
        assertEquals(5, balance(query(isolated, "{\"type\":\"balances\"}", true), "retried-elsewhere"),
                "the command the cut-off primary could not commit was applied once, by the retry");
    }

    @Test
    void emptyReplicasWaitForEveryPeerThenFoundOneClusterAndAWipedReplicaRejoinsRecovering() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ClusterIT seed " + seed);
        prepareCluster(seed);
        nodes.get(1).start();
        nodes.get(2).start();
        for (int id = 1; id <= 2; id++) {
            nodes.get(id).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        }
        Thread.sleep(1_500);
        for (int id = 1; id <= 2; id++) {
            String status = get(nodes.get(id), "/chronon/status");
            assertTrue(status.contains("\"clusterId\":null") && status.contains("\"role\":\"RECOVERING\""),
                    "without replica 0 nobody founds a cluster: " + status);
        }
        nodes.get(0).start();
        nodes.get(0).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        List<String> urls = nodes.stream().map(node -> node.uri("").toString()).toList();
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("founded", 30));
        }
        Set<String> clusters = new HashSet<>();
        for (NodeProcess node : nodes) {
            Matcher cluster = Pattern.compile("\"clusterId\":\"([0-9a-f-]+)\"").matcher(get(node, "/chronon/status"));
            assertTrue(cluster.find(), "every replica joined a cluster");
            clusters.add(cluster.group(1));
        }
        assertEquals(1, clusters.size(), "one cluster: " + clusters);

        int wiped = awaitPrimary() == 2 ? 1 : 2;
        nodes.get(wiped).kill();
        deleteRecursively(dataDirs.get(wiped));
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("while-wiped", 40));
        }
        nodes.get(wiped).restart();
        ConcurrentLinkedQueue<Throwable> none = new ConcurrentLinkedQueue<>();
        awaitTrue(() -> balance(query(wiped, "{\"type\":\"balances\"}", true), "while-wiped") == 40, none,
                "the wiped replica was refilled from its peers");
        assertTrue(nodes.get(wiped).logTail(400).contains("recovering"), "it joined recovering");
        assertEquals(30, balance(query(wiped, "{\"type\":\"balances\"}", true), "founded"));
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void startCluster(long seed) throws Exception {
        prepareCluster(seed);
        for (NodeProcess node : nodes) {
            node.start();
        }
        for (NodeProcess node : nodes) {
            node.awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        }
    }

    /** Three nodes, not started yet, their peer links through a fresh proxy mesh. */
    private void prepareCluster(long seed) throws Exception {
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged node is missing: " + jar);
        int[] ports = Ports.free(3);
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            addresses.add(new InetSocketAddress("127.0.0.1", port));
            members.add("127.0.0.1:" + port);
        }
        mesh = ProxyMesh.start(addresses, seed);
        for (int id = 0; id < ports.length; id++) {
            Path dataDir = Files.createTempDirectory("chronon-cluster-it-" + id);
            dataDirs.add(dataDir);
            NodeSpec spec = NodeSpec.builder("cluster-node-" + id).jar(jar).httpPort(ports[id]).dataDir(dataDir)
                    .systemProperty(NodeSpec.NODE_ID, Integer.toString(id))
                    .systemProperty(NodeSpec.MEMBERS, String.join(",", members))
                    .systemProperty(NodeSpec.DIAL_ADDRESSES, mesh.dialAddresses(id))
                    .systemProperty("chronon.cluster-secret", SECRET)
                    .systemProperty(HaltPointIT.JOURNAL_STATEMENTS, "journal")
                    .systemProperty("chronon.command-timeout", "3s")
                    .logFile(Path.of("target/it-logs/cluster-node-" + id + ".log")).build();
            nodes.add(new NodeProcess(spec));
        }
    }

    private static ChrononClient client(List<String> urls) {
        return ChrononClient.builder().nodes(urls).attemptTimeout(Duration.ofSeconds(5))
                .deadline(Duration.ofSeconds(60)).build();
    }

    private static String deposit(String account, long amount) {
        return "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"amount\":" + amount + "}";
    }

    /** The replica that says it is the primary, once one does. */
    private int awaitPrimary() throws InterruptedException {
        return awaitPrimary(replica -> true);
    }

    private int awaitPrimary(IntPredicate among) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (int node = 0; node < nodes.size(); node++) {
                if (nodes.get(node).isAlive() && among.test(node)) {
                    Matcher role = ROLE.matcher(get(nodes.get(node), "/chronon/status"));
                    if (role.find() && role.group(1).equals("PRIMARY")) {
                        return node;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no primary within 60 s");
    }

    private long view(NodeProcess node) {
        return number(get(node, "/chronon/status"), "view");
    }

    private String get(NodeProcess node, String path) {
        try {
            return node.get(path, Duration.ofSeconds(5)).body();
        } catch (Exception e) {
            return "";
        }
    }

    private String query(int node, String query, boolean local) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(nodes.get(node).uri("/chronon/queries"
                        + (local ? "?consistency=local" : ""))).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    private HttpResponse<String> command(int node, UUID client, long requestNumber, String command) throws Exception {
        URI uri = nodes.get(node).uri("/chronon/commands");
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Chronon-Client-Id", client.toString())
                .header("Chronon-Request-Number", Long.toString(requestNumber)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(command)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long balance(String balances, String account) {
        Matcher matcher = Pattern.compile("\"" + account + "\":(\\d+)").matcher(balances);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** The state part of a query answer, without the index it was read at. */
    private static String stateOf(String answer) {
        return answer.substring(answer.indexOf("\"result\""));
    }

    private static long number(String json, String field) {
        Matcher matcher = Pattern.compile(String.format(NUMBER_FIELD.pattern(), field)).matcher(json);
        if (!matcher.find() || matcher.group(1).equals("null")) {
            return -1;
        }
        return Long.parseLong(matcher.group(1));
    }

    private static long total(AtomicLong[] counts) {
        long sum = 0;
        for (AtomicLong count : counts) {
            sum += count.get();
        }
        return sum;
    }

    private static void awaitAcknowledged(AtomicLong[] counts, long atLeast, ConcurrentLinkedQueue<Throwable> failures)
            throws InterruptedException {
        awaitTrue(() -> total(counts) >= atLeast, failures, atLeast + " acknowledged transfers");
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, ConcurrentLinkedQueue<Throwable> failures, String what)
            throws InterruptedException {
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
