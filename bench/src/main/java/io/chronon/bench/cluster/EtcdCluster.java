package io.chronon.bench.cluster;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Three etcd members (the Debian package, 3.4.23 on this machine) on loopback, as the reference measured
 * them (fsync of the WAL on every Ready, no automatic compaction, an 8 GiB backend quota), with one
 * change: a snapshot every 10,000 proposals instead of 100,000. etcd keeps every raft entry since its
 * last snapshot in memory, and in the batching workload an entry is a 100 KiB transaction: with the
 * default, each member grew past 3.4 GB and the kernel's OOM killer ended it (twice, on this 24 GB
 * machine shared with other work). Counters come from the members' {@code /metrics}.
 */
final class EtcdCluster implements SystemUnderTest {
    static final String INSTALL_HINT = "etcd is not installed: apt-get install -y --no-install-recommends"
            + " etcd-server etcd-client (or leave it out with --systems=chronon,ratis)";

    private final List<ServerProcess> processes = new ArrayList<>();
    private int[] clientPorts;
    private volatile int leader = -1;

    static boolean installed() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "etcd")));
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public void start(Workspace workspace) throws Exception {
        if (!installed()) {
            throw new IllegalStateException(INSTALL_HINT);
        }
        int[] ports = FreePorts.take(6);
        clientPorts = new int[] {ports[0], ports[1], ports[2]};
        int[] peerPorts = {ports[3], ports[4], ports[5]};
        String cluster = String.join(",", IntStream.range(0, 3)
                .mapToObj(i -> "e" + i + "=http://127.0.0.1:" + peerPorts[i]).toList());
        for (int i = 0; i < 3; i++) {
            String peer = "http://127.0.0.1:" + peerPorts[i];
            String client = "http://127.0.0.1:" + clientPorts[i];
            List<String> command = List.of("etcd", "--name", "e" + i,
                    "--data-dir", workspace.dataDirectory("etcd-" + i).toString(),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--initial-cluster", cluster, "--initial-cluster-state", "new",
                    "--initial-cluster-token", "cluster-benchmark", "--log-level", "warn", "--logger", "zap",
                    "--quota-backend-bytes", Long.toString(8L << 30), "--snapshot-count", "10000");
            processes.add(ServerProcess.start("etcd-" + i, command, workspace.logFile("etcd-" + i + ".log")));
        }
        awaitLeader(Duration.ofSeconds(60));
    }

    @Override
    public List<ServerProcess> processes() {
        return processes;
    }

    @Override
    public void awaitLeader(Duration timeout) throws InterruptedException {
        leader = Leadership.await(name(), processes, timeout, () -> {
            int found = -1;
            boolean everyoneHasOne = true;
            StringBuilder said = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                PrometheusText metrics = metrics(i);
                everyoneHasOne &= metrics.value("etcd_server_has_leader") == 1;
                if (metrics.value("etcd_server_is_leader") == 1) {
                    found = i;
                }
                said.append(String.format(Locale.ROOT, "[%d: has leader %.0f, is leader %.0f]", i,
                        metrics.value("etcd_server_has_leader"), metrics.value("etcd_server_is_leader")));
            }
            return new Leadership.Answer(everyoneHasOne ? found : -1, said.toString());
        });
    }

    private PrometheusText metrics(int member) {
        return PrometheusText.scrape(URI.create("http://127.0.0.1:" + clientPorts[member] + "/metrics"));
    }

    @Override
    public KvConnection connect() {
        return new EtcdConnection("http://127.0.0.1:" + clientPorts[leader]);
    }

    /**
     * The most proposals any member committed, the leader changes seen, the leader's WAL fsyncs, and the
     * Go runtime's stop-the-world pauses summed over the three members ({@code go_gc_duration_seconds}).
     */
    @Override
    public ServerCounters counters() {
        long committed = 0;
        long leaderChanges = 0;
        long pauses = 0;
        double pauseSeconds = 0;
        long fsyncs = 0;
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            PrometheusText member = metrics(i);
            members.append(String.format(Locale.ROOT, "[%d: leader %.0f, committed %.0f]", i,
                    member.value("etcd_server_is_leader"), member.value("etcd_server_proposals_committed_total")));
            committed = Math.max(committed, (long) member.value("etcd_server_proposals_committed_total"));
            leaderChanges = Math.max(leaderChanges, (long) member.value("etcd_server_leader_changes_seen_total"));
            pauses += (long) member.value("go_gc_duration_seconds_count");
            pauseSeconds += member.value("go_gc_duration_seconds_sum");
            if (i == leader) {
                fsyncs = (long) member.value("etcd_disk_wal_fsync_duration_seconds_count");
            }
        }
        return new ServerCounters(committed, leaderChanges, fsyncs, -1, pauses, pauseSeconds, members.toString());
    }

    /** A request is one proposal: a put, or a transaction of the batch's puts. */
    @Override
    public int commandsPerCommitted(Workload workload) {
        return workload.batchSize();
    }

    @Override
    public String committedUnit() {
        return "proposals (etcd_server_proposals_committed_total)";
    }

    /** From the Go runtime's cumulative summary: no maximum for a window. */
    @Override
    public GcPauses gcPauses(ServerCounters before, ServerCounters after, long fromMillis, long toMillis) {
        ServerCounters window = after.minus(before);
        return new GcPauses(window.gcPauses(), window.gcPauseSeconds() * 1000, Double.NaN,
                "go_gc_duration_seconds of the 3 members");
    }
}
