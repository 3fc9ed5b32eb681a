package io.chronon.bench.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * One Apache Ratis replica of the key-value workload, as its own process:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.chronon.bench.cluster.RatisKvServer id dataDir port0,port1,port2 statsPort
 * </pre>
 *
 * Besides Raft on {@code port<id>} it serves {@code GET /metrics} on {@code statsPort} in the Prometheus
 * text format, so the benchmark reads it as it reads the others: {@code ratis_is_leader},
 * {@code ratis_current_term},
 * {@code ratis_log_flush_count} (log flushes, each an fsync with unsafe-flush off),
 * {@code ratis_log_append_entry_count} (Ratis' own counter, served for inspection) and
 * {@code kv_applied_commands}.
 */
public final class RatisKvServer {
    private final RaftServer server;
    private final KvStateMachine stateMachine;

    private RatisKvServer(RaftServer server, KvStateMachine stateMachine) {
        this.server = server;
        this.stateMachine = stateMachine;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: RatisKvServer id dataDir port0,port1,port2 statsPort");
        }
        int id = Integer.parseInt(args[0]);
        int[] ports = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        RaftProperties properties = RatisSetup.properties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(Path.of(args[1]).toFile()));
        GrpcConfigKeys.Server.setPort(properties, ports[id]);
        KvStateMachine stateMachine = new KvStateMachine();
        RaftServer server = RaftServer.newBuilder().setGroup(RatisSetup.group(ports)).setProperties(properties)
                .setServerId(RatisSetup.peerId(id)).setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.FORMAT).build();
        server.start();
        new RatisKvServer(server, stateMachine).serveMetrics(Integer.parseInt(args[3]));
    }

    private void serveMetrics(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        http.createContext("/metrics", this::metrics);
        http.start();
    }

    private void metrics(HttpExchange exchange) throws IOException {
        RatisMetricRegistry logWorker = MetricRegistries.global().getMetricRegistries().stream()
                .filter(registry -> registry.getMetricRegistryInfo().getMetricsComponentName().equals("log_worker"))
                .findFirst().orElse(null);
        DivisionInfo division = server.getDivision(RatisSetup.GROUP_ID).getInfo();
        String text = "ratis_is_leader " + (division.isLeader() ? 1 : 0) + "\n"
                + "ratis_current_term " + division.getCurrentTerm() + "\n"
                + "kv_applied_commands " + stateMachine.appliedCommands() + "\n"
                + (logWorker == null ? "" : "ratis_log_flush_count " + logWorker.counter("flushCount").getCount() + "\n"
                + "ratis_log_append_entry_count " + logWorker.counter("appendEntryCount").getCount() + "\n");
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
