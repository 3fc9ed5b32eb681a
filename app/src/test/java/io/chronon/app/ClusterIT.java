package io.chronon.app;

import static io.chronon.app.LocalCluster.awaitTrue;
import static io.chronon.app.LocalCluster.balance;
import static io.chronon.app.LocalCluster.client;
import static io.chronon.app.LocalCluster.deposit;
import static io.chronon.app.LocalCluster.number;
import static io.chronon.app.LocalCluster.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.chronon.client.ChrononClient;
import io.chronon.client.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three packaged nodes on loopback, their peer links through per-link proxies, the bank workload
 * through REST with client sessions from several clients at once. The primary is SIGKILLed mid-run:
 * another is elected and serves, the killed node restarts from its disk and catches up. At the end,
 * every acknowledged transfer is in the state exactly once (each client owns an account pair, so its
 * count of acknowledged transfers must equal its sink's balance), money is conserved, every replica
 * holds the same balances, and a retried request number is answered from the session table, not
 * applied again. And a primary cut off from both peers is replaced by the majority, then rejoins as a
 * backup of the new view when the partition heals; a primary paused (SIGSTOP) past the election
 * timeout follows the new view when it resumes; empty replicas found one cluster only once every
 * peer answered, and a replica whose disk was wiped rejoins recovering.
 */
class ClusterIT {
    private static final int CLIENTS = 4;
    private static final long OPENING_BALANCE = 1_000_000;
    /** These nodes run without PostgreSQL and RabbitMQ: the bank's effects go to the effect journal. */
    private static final Map<String, String> JOURNAL = Map.of(HaltPointIT.JOURNAL_STATEMENTS, "journal",
            HaltPointIT.JOURNAL_TRANSFERS, "journal");
    private static final String BALANCES = "{\"type\":\"balances\"}";

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private LocalCluster cluster() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ClusterIT seed " + seed);
        cluster = new LocalCluster("cluster-node", seed, JOURNAL);
        return cluster;
    }

    @Test
    void aKilledPrimaryIsReplacedAndRejoinsWithoutLosingOrRepeatingATransfer() throws Exception {
        LocalCluster nodes = cluster().startAll();
        List<String> urls = nodes.urls();
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
                        CommandResult result = chronon.submit(LocalCluster.transfer("c" + client, "s" + client, 1));
                        acknowledged[client].incrementAndGet();
                        highestView.accumulateAndGet(result.view(), Math::max);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }

        awaitTrue(() -> total(acknowledged) >= 20, failures, "20 acknowledged transfers");
        int primary = nodes.awaitPrimary();
        long viewBefore = nodes.view(primary);
        nodes.node(primary).kill();
        long killedAt = total(acknowledged);
        awaitTrue(() -> total(acknowledged) >= killedAt + 20 && highestView.get() > viewBefore, failures,
                "transfers committed in a new view after the primary was killed");

        nodes.node(primary).restart();
        nodes.node(primary).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        long restartedAt = total(acknowledged);
        awaitTrue(() -> total(acknowledged) >= restartedAt + 20, failures, "transfers after the restart");
        stopping.set(true);
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(90));
        }
        assertTrue(failures.isEmpty(), () -> "a client failed: " + failures.peek());

        String balances = nodes.query(0, BALANCES, false);
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

        long commitIndex = number(nodes.status(nodes.awaitPrimary()), "commitIndex");
        for (int node = 0; node < nodes.size(); node++) {
            int replica = node;
            awaitTrue(() -> number(nodes.status(replica), "appliedIndex") >= commitIndex, failures,
                    "replica " + replica + " caught up to index " + commitIndex);
            assertEquals(stateOf(balances), stateOf(nodes.query(node, BALANCES, true)),
                    "replica " + node + " holds the same balances");
        }

        UUID retrying = UUID.randomUUID();
        HttpResponse<String> first = nodes.command(1, retrying, 1, deposit("retried", 5));
        HttpResponse<String> again = nodes.command(2, retrying, 1, deposit("retried", 5));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(first.statusCode(), again.statusCode());
        assertEquals(first.body(), again.body(), "a retry is answered from the session table");
        assertEquals(5, balance(nodes.query(0, BALANCES, false), "retried"), "the retried deposit was applied once");
    }

    @Test
    void anIsolatedPrimaryIsReplacedAndRejoinsWhenThePartitionHeals() throws Exception {
        LocalCluster nodes = cluster().startAll();
        List<String> urls = nodes.urls();
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("before", 10));
        }
        int isolated = nodes.awaitPrimary();
        long oldView = nodes.view(isolated);
        nodes.mesh().isolate(isolated);
        // The cut-off primary cannot commit: its client hears 503 or 504 and retries the same request
        // number elsewhere, where it is applied once.
        UUID session = UUID.randomUUID();
        HttpResponse<String> cutOff = nodes.command(isolated, session, 1, deposit("retried-elsewhere", 5));
        assertTrue(cutOff.statusCode() == 503 || cutOff.statusCode() == 504, cutOff.statusCode() + " " + cutOff.body());
        int other = isolated == 0 ? 1 : 0;
        HttpResponse<String> retried = nodes.command(other, session, 1, deposit("retried-elsewhere", 5));
        long retryDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (retried.statusCode() != 200 && System.nanoTime() < retryDeadline) {
            Thread.sleep(100);
            retried = nodes.command(other, session, 1, deposit("retried-elsewhere", 5));
        }
        assertEquals(200, retried.statusCode(), retried.body());

        List<String> majority = new ArrayList<>(urls);
        majority.remove(isolated);
        CommandResult during;
        try (ChrononClient client = client(majority)) {
            during = client.submit(deposit("during", 20));
        }
        assertTrue(during.view() > oldView, "committed in a new view: " + during.view() + " > " + oldView);
        int primary = nodes.awaitPrimary(replica -> replica != isolated);

        nodes.mesh().heal();
        long commitIndex = number(nodes.status(primary), "commitIndex");
        awaitTrue(() -> {
            String status = nodes.status(isolated);
            return status.contains("\"role\":\"BACKUP\"") && number(status, "view") >= during.view()
                    && number(status, "appliedIndex") >= commitIndex;
        }, new ConcurrentLinkedQueue<>(), "the isolated replica rejoined as a backup and caught up to index "
                + commitIndex);
        assertEquals(stateOf(nodes.query(primary, BALANCES, false)), stateOf(nodes.query(isolated, BALANCES, true)),
                "the rejoined replica's state");
        assertEquals(20, balance(nodes.query(isolated, BALANCES, true), "during"));
        assertEquals(5, balance(nodes.query(isolated, BALANCES, true), "retried-elsewhere"),
                "the command the cut-off primary could not commit was applied once, by the retry");
    }

    @Test
    void aPausedPrimaryIsReplacedAndFollowsTheNewViewWhenItResumes() throws Exception {
        LocalCluster nodes = cluster().startAll();
        List<String> urls = nodes.urls();
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("before-pause", 10));
        }
        int paused = nodes.awaitPrimary();
        long oldView = nodes.view(paused);
        nodes.node(paused).pause();
        List<String> others = new ArrayList<>(urls);
        others.remove(paused);
        CommandResult during;
        try (ChrononClient client = client(others)) {
            during = client.submit(deposit("while-paused", 20));
        }
        assertTrue(during.view() > oldView, "the others elected a new primary: view " + during.view());
        Thread.sleep(2_000);
        nodes.node(paused).resume();
        int primary = nodes.awaitPrimary(replica -> replica != paused);
        long commitIndex = number(nodes.status(primary), "commitIndex");
        awaitTrue(() -> {
            String status = nodes.status(paused);
            return status.contains("\"role\":\"BACKUP\"") && number(status, "appliedIndex") >= commitIndex;
        }, new ConcurrentLinkedQueue<>(), "the resumed replica follows the new view and caught up");
        assertEquals(20, balance(nodes.query(paused, BALANCES, true), "while-paused"));
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("after-pause", 30));
        }
        assertEquals(30, balance(nodes.query(primary, BALANCES, false), "after-pause"));
    }

    @Test
    void emptyReplicasWaitForEveryPeerThenFoundOneClusterAndAWipedReplicaRejoinsRecovering() throws Exception {
        LocalCluster nodes = cluster();
        nodes.node(1).start();
        nodes.node(2).start();
        for (int id = 1; id <= 2; id++) {
            nodes.node(id).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        }
        Thread.sleep(1_500);
        for (int id = 1; id <= 2; id++) {
            String status = nodes.status(id);
            assertTrue(status.contains("\"clusterId\":null") && status.contains("\"role\":\"RECOVERING\""),
                    "without replica 0 nobody founds a cluster: " + status);
        }
        nodes.node(0).start();
        nodes.node(0).awaitHttp("/chronon/status", 200, Duration.ofSeconds(60));
        List<String> urls = nodes.urls();
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("founded", 30));
        }
        Set<String> clusters = new HashSet<>();
        for (int id = 0; id < nodes.size(); id++) {
            String cluster = nodes.clusterId(id);
            assertTrue(cluster != null, "every replica joined a cluster");
            clusters.add(cluster);
        }
        assertEquals(1, clusters.size(), "one cluster: " + clusters);

        int wiped = nodes.awaitPrimary() == 2 ? 1 : 2;
        nodes.wipe(wiped);
        try (ChrononClient client = client(urls)) {
            client.submit(deposit("while-wiped", 40));
        }
        nodes.node(wiped).restart();
        awaitTrue(() -> balance(nodes.query(wiped, BALANCES, true), "while-wiped") == 40,
                new ConcurrentLinkedQueue<>(), "the wiped replica was refilled from its peers");
        assertTrue(nodes.node(wiped).logTail(400).contains("recovering"), "it joined recovering");
        assertEquals(30, balance(nodes.query(wiped, BALANCES, true), "founded"));
    }

    private static long total(AtomicLong[] counts) {
        long sum = 0;
        for (AtomicLong count : counts) {
            sum += count.get();
        }
        return sum;
    }
}
