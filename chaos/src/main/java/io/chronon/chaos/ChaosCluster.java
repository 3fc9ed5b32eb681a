package io.chronon.chaos;

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
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import io.chronon.testkit.ProxyMesh;

/**
 * A cluster of packaged nodes on loopback for one chaos schedule: each its own JVM and data
 * directory, peer traffic through a proxy mesh (so links can be cut one way or both), fault control
 * switched on (slow disk, clock skew), and the calls the nemesis and the checkers make.
 */
final class ChaosCluster implements AutoCloseable {
    static final String SECRET = "chaos-cluster-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final ProxyMesh mesh;

    /**
     * @param properties further system properties of every node (the application, its sinks)
     */
    ChaosCluster(String name, Path nodeJar, int size, long seed, Path directory, Map<String, String> properties)
            throws IOException {
        if (!Files.isRegularFile(nodeJar)) {
            throw new IllegalStateException("the packaged node is missing: " + nodeJar
                    + " (build it with ./mvnw install -DskipTests, or pass --node-jar)");
        }
        int[] ports = Ports.free(size);
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            addresses.add(new InetSocketAddress("127.0.0.1", port));
            members.add("127.0.0.1:" + port);
        }
        mesh = ProxyMesh.start(addresses, seed);
        for (int id = 0; id < size; id++) {
            Path dataDir = Files.createDirectories(directory.resolve("data-" + id));
            NodeSpec spec = NodeSpec.builder(name + "-n" + id).jar(nodeJar).maxHeap("384m").httpPort(ports[id])
                    .dataDir(dataDir)
                    .systemProperty(NodeSpec.NODE_ID, Integer.toString(id))
                    .systemProperty(NodeSpec.MEMBERS, String.join(",", members))
                    .systemProperty(NodeSpec.DIAL_ADDRESSES, mesh.dialAddresses(id))
                    .systemProperty("chronon.cluster-secret", SECRET)
                    .systemProperty("chronon.admin-token", SECRET)
                    .systemProperty("chronon.command-timeout", "3s")
                    .systemProperty("chronon.test.fault-control", "true")
                    .systemProperties(properties)
                    .logFile(directory.resolve("node-" + id + ".log")).build();
            nodes.add(new NodeProcess(spec));
        }
    }

    /** Starts every node and waits until each serves HTTP. */
    ChaosCluster startAll() {
        nodes.forEach(NodeProcess::start);
        nodes.forEach(node -> node.awaitHttp("/chronon/status", 200, Duration.ofSeconds(90)));
        return this;
    }

    int size() {
        return nodes.size();
    }

    NodeProcess node(int id) {
        return nodes.get(id);
    }

    ProxyMesh mesh() {
        return mesh;
    }

    List<String> urls() {
        return nodes.stream().map(node -> node.uri("").toString()).toList();
    }

    /** The node's status, or null if it does not answer. */
    JsonNode status(int node) {
        return get(node, "/chronon/status");
    }

    /**
     * The live node that says it is the primary in the highest view, if any does now. (After a
     * partition heals, a deposed primary may still say so for a moment; the higher view wins.)
     */
    OptionalInt primary() {
        int best = -1;
        long bestView = -1;
        for (int node = 0; node < nodes.size(); node++) {
            if (!nodes.get(node).isAlive() || nodes.get(node).isPaused()) {
                continue;
            }
            JsonNode status = status(node);
            if (status != null && "PRIMARY".equals(status.path("role").asText()) && status.path("view").asLong() > bestView) {
                best = node;
                bestView = status.path("view").asLong();
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    int awaitPrimary(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalInt primary = primary();
            if (primary.isPresent()) {
                return primary.getAsInt();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no primary within " + timeout.toSeconds() + " s");
    }

    /** A GET with the admin token, parsed; null if the node does not answer 200. */
    JsonNode get(int node, String path) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(nodes.get(node).uri(path))
                    .header("Authorization", "Bearer " + SECRET).timeout(CALL_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Sets the node's slow-disk delay and clock offset; false if it did not answer. */
    boolean setFaults(int node, long diskBarrierDelayMillis, long clockOffsetMillis) {
        URI uri = nodes.get(node).uri("/chronon/test/faults");
        String body = "{\"diskBarrierDelayMillis\":" + diskBarrierDelayMillis + ",\"clockOffsetMillis\":"
                + clockOffsetMillis + "}";
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + SECRET).timeout(CALL_TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Undoes every fault: links healed, paused nodes resumed, dead nodes started, disks and clocks
     * back to normal. Waits until every node answers again.
     */
    void healEverything(Duration timeout) throws InterruptedException {
        mesh.heal();
        for (NodeProcess node : nodes) {
            if (node.isPaused()) {
                node.resume();
            }
            if (!node.isAlive()) {
                node.start();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int node = 0; node < nodes.size(); node++) {
            while (!setFaults(node, 0, 0)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node + " does not answer " + timeout.toSeconds()
                            + " s after every fault was healed:\n" + nodes.get(node).logTail(40));
                }
                Thread.sleep(200);
            }
        }
    }

    /** Waits until every node has applied the same index, the highest one committed; returns it. */
    long awaitConvergence(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long highest = -1;
            long lowest = Long.MAX_VALUE;
            StringBuilder seen = new StringBuilder();
            for (int node = 0; node < nodes.size(); node++) {
                JsonNode status = status(node);
                long applied = status == null ? -2 : status.path("appliedIndex").asLong(-1);
                long committed = status == null ? -2 : status.path("commitIndex").asLong(-1);
                highest = Math.max(highest, committed);
                lowest = Math.min(lowest, applied);
                seen.append(" n").append(node).append(" applied ").append(applied).append(" committed ").append(committed);
            }
            if (lowest == highest && primary().isPresent()) {
                return highest;
            }
            last = seen.toString();
            Thread.sleep(200);
        }
        throw new IllegalStateException("the replicas did not converge within " + timeout.toSeconds() + " s:" + last);
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        mesh.close();
    }
}
