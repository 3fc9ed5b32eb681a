package io.chronon.bench.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Three Apache Ratis 3.2.0 replicas ({@link RatisKvServer}), one JVM each, started from this JVM's own
 * classpath with the same heap and GC log as Chronon's nodes.
 */
final class RatisCluster implements SystemUnderTest {
    private final ServerJvm jvm;
    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<Path> gcLogs = new ArrayList<>();
    private int[] raftPorts;
    private int[] metricsPorts;
    private volatile int leader = -1;

    RatisCluster(ServerJvm jvm) {
        this.jvm = jvm;
    }

    @Override
    public String name() {
        return "ratis";
    }

    @Override
    public void start(Workspace workspace) throws Exception {
        int[] ports = FreePorts.take(6);
        raftPorts = Arrays.copyOfRange(ports, 0, 3);
        metricsPorts = Arrays.copyOfRange(ports, 3, 6);
        String peers = Arrays.stream(raftPorts).mapToObj(Integer::toString).collect(Collectors.joining(","));
        for (int id = 0; id < 3; id++) {
            Path gcLog = workspace.logFile("gc-ratis-" + id + ".log");
            gcLogs.add(gcLog);
            List<String> command = jvm.command(gcLog);
            command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), RatisKvServer.class.getName(), Integer.toString(id),
                    workspace.dataDirectory("ratis-" + id).toString(), peers,
                    Integer.toString(metricsPorts[id])));
            processes.add(ServerProcess.start("ratis-" + id, command, workspace.logFile("ratis-" + id + ".log")));
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
            List<Integer> leaders = new ArrayList<>();
            StringBuilder said = new StringBuilder();
            for (int id = 0; id < 3; id++) {
                PrometheusText metrics = metrics(id);
                if (metrics.value("ratis_is_leader") == 1) {
                    leaders.add(id);
                }
                said.append(String.format(Locale.ROOT, "[%d: is leader %.0f, term %.0f]", id, metrics.value("ratis_is_leader"),
                        metrics.value("ratis_current_term")));
            }
            return new Leadership.Answer(leaders.size() == 1 ? leaders.getFirst() : -1, said.toString());
        });
    }

    private PrometheusText metrics(int id) {
        return PrometheusText.scrape(URI.create("http://127.0.0.1:" + metricsPorts[id] + "/metrics"));
    }

    /** Ratis clients would find the leader themselves; told it, they skip a NotLeaderException round each. */
    @Override
    public KvConnection connect() {
        return new RatisConnection(RatisSetup.group(raftPorts), RatisSetup.peerId(leader));
    }

    /**
     * The most puts any replica applied, the highest term, and the leader's log flushes. Ratis'
     * {@code appendEntryCount} is not taken for the
     * durable entries: in trial runs it counted 1.1 to 1.8 times the entries the leader committed.
     */
    @Override
    public ServerCounters counters() {
        long applied = 0;
        long term = 0;
        long flushes = 0;
        StringBuilder replicas = new StringBuilder();
        for (int id = 0; id < 3; id++) {
            PrometheusText replica = metrics(id);
            replicas.append(String.format(Locale.ROOT, "[%d: is leader %.0f, term %.0f, applied %.0f]", id,
                    replica.value("ratis_is_leader"), replica.value("ratis_current_term"),
                    replica.value("kv_applied_commands")));
            applied = Math.max(applied, (long) replica.value("kv_applied_commands"));
            term = Math.max(term, (long) replica.value("ratis_current_term"));
            if (id == leader) {
                flushes = (long) replica.value("ratis_log_flush_count");
            }
        }
        return new ServerCounters(applied, term, flushes, -1, 0, 0, replicas.toString());
    }

    @Override
    public String committedUnit() {
        return "puts applied by the state machine";
    }

    @Override
    public GcPauses gcPauses(ServerCounters before, ServerCounters after, long fromMillis, long toMillis) {
        return GcPauses.fromJvmLogs(gcLogs, fromMillis, toMillis);
    }
}
