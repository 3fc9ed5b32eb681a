package io.chronon.bench.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.chronon.grpc.v1.ChrononGrpc;
import io.chronon.grpc.v1.Role;
import io.chronon.grpc.v1.StatusReply;
import io.chronon.grpc.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/**
 * Three packaged Chronon nodes ({@code app/target/quarkus-app/quarkus-run.jar}) running the key-value
 * application, each on its own loopback port (REST and gRPC share it) and data directory. The bank's
 * effect sinks are pointed at the journal, as the multi-process tests do, so that no PostgreSQL or
 * RabbitMQ is needed (the key-value application emits no effects). Every barrier is an fdatasync: the
 * node has no setting to turn that off.
 */
final class ChrononCluster implements SystemUnderTest {
    private static final String SECRET = "cluster-benchmark-secret";

    private final Path nodeJar;
    private final ServerJvm jvm;
    private final List<String> extraJvmOptions;
    private final boolean sessions;
    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<Path> gcLogs = new ArrayList<>();
    private final List<ManagedChannel> statusChannels = new ArrayList<>();
    private int[] ports;
    private volatile int primary = -1;

    /**
     * @param extraJvmOptions added to each node's command line (a profiler, say)
     * @param sessions        whether commands carry a client session (exactly-once retries)
     */
    ChrononCluster(Path nodeJar, ServerJvm jvm, List<String> extraJvmOptions, boolean sessions) {
        this.nodeJar = nodeJar;
        this.jvm = jvm;
        this.extraJvmOptions = List.copyOf(extraJvmOptions);
        this.sessions = sessions;
    }

    @Override
    public String name() {
        return "chronon";
    }

    @Override
    public void start(Workspace workspace) throws Exception {
        ports = FreePorts.take(3);
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            members.add("127.0.0.1:" + port);
        }
        for (int id = 0; id < 3; id++) {
            Path data = workspace.dataDirectory("chronon-" + id);
            Path gcLog = workspace.logFile("gc-chronon-" + id + ".log");
            gcLogs.add(gcLog);
            List<String> command = jvm.command(gcLog);
            command.addAll(extraJvmOptions);
            command.addAll(List.of("-Dquarkus.http.port=" + ports[id], "-Dchronon.node-id=" + id,
                    "-Dchronon.members=" + String.join(",", members), "-Dchronon.data-dir=" + data,
                    "-Dchronon.cluster-secret=" + SECRET, "-Dchronon.application=kv",
                    "-Dchronon.effects.\"statements\".sink=journal", "-Dchronon.effects.\"transfers\".sink=journal",
                    "-jar", nodeJar.toString()));
            processes.add(ServerProcess.start("chronon-" + id, command, workspace.logFile("chronon-" + id + ".log")));
            statusChannels.add(NettyChannelBuilder.forAddress("127.0.0.1", ports[id]).usePlaintext().build());
        }
        awaitLeader(Duration.ofSeconds(90));
    }

    @Override
    public List<ServerProcess> processes() {
        return processes;
    }

    @Override
    public void awaitLeader(Duration timeout) throws InterruptedException {
        primary = Leadership.await(name(), processes, timeout, () -> {
            List<StatusReply> replies = new ArrayList<>();
            for (int id = 0; id < 3; id++) {
                replies.add(status(id));
            }
            List<Integer> primaries = new ArrayList<>();
            StringBuilder said = new StringBuilder();
            for (StatusReply reply : replies) {
                if (reply.getRole() == Role.ROLE_PRIMARY) {
                    primaries.add(reply.getNodeId());
                }
                said.append(String.format(Locale.ROOT, "[%d: %s view %d primary %s]", reply.getNodeId(), reply.getRole(),
                        reply.getView(), reply.hasPrimaryId() ? reply.getPrimaryId() : "?"));
            }
            boolean agreed = primaries.size() == 1 && replies.stream()
                    .allMatch(reply -> reply.hasPrimaryId() && reply.getPrimaryId() == primaries.getFirst());
            return new Leadership.Answer(agreed ? primaries.getFirst() : -1, said.toString());
        });
    }

    private StatusReply status(int id) {
        return ChrononGrpc.newBlockingStub(statusChannels.get(id)).withDeadlineAfter(2, TimeUnit.SECONDS)
                .status(StatusRequest.getDefaultInstance());
    }

    @Override
    public KvConnection connect() {
        return new ChrononConnection(ports[primary], sessions);
    }

    /**
     * The highest commit index (as a count of entries) and view of the replicas, and the primary's
     * barriers from {@code /q/metrics}: each barrier is one fdatasync of a batch of log entries.
     */
    @Override
    public ServerCounters counters() {
        long committed = 0;
        long view = 0;
        StringBuilder replicas = new StringBuilder();
        for (int id = 0; id < 3; id++) {
            StatusReply status = status(id);
            long entries = status.hasCommitIndex() ? status.getCommitIndex() + 1 : 0;
            committed = Math.max(committed, entries);
            view = Math.max(view, status.getView());
            replicas.append(String.format(Locale.ROOT, "[%d: %s view %d commit %d applied %d]", id, status.getRole(),
                    status.getView(), status.getCommitIndex(), status.getAppliedIndex()));
        }
        PrometheusText metrics = PrometheusText.scrape(URI.create("http://127.0.0.1:" + ports[primary] + "/q/metrics"));
        return new ServerCounters(committed, view, (long) metrics.value("chronon_log_barrier_seconds_count"),
                (long) metrics.value("chronon_log_entries_per_barrier_sum"), 0, 0, replicas.toString());
    }

    @Override
    public String committedUnit() {
        return "log entries (commit index)";
    }

    @Override
    public GcPauses gcPauses(ServerCounters before, ServerCounters after, long fromMillis, long toMillis) {
        return GcPauses.fromJvmLogs(gcLogs, fromMillis, toMillis);
    }

    @Override
    public void close() {
        statusChannels.forEach(ManagedChannel::shutdownNow);
        SystemUnderTest.super.close();
    }
}
