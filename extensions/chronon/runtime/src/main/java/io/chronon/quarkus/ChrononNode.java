package io.chronon.quarkus;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.FileDisk;
import io.chronon.engine.LogOptions;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.node.EffectOptions;
import io.chronon.node.NodeOutput;
import io.chronon.node.NodeStartup;
import io.chronon.node.NodeStorage;
import io.chronon.node.SnapshotOptions;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.ReplicaConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Chronon node of this process: on start it picks the application, recovers from
 * {@code chronon.data-dir} and starts driving the replica. Inject it to submit commands, run
 * queries or read the node's status.
 */
@Singleton
public class ChrononNode {
    private static final Logger LOG = Logger.getLogger(ChrononNode.class);
    /** Client sessions kept in the replicated table; the idlest is evicted beyond this. */
    private static final int SESSION_CAPACITY = 10_000;

    private final ChrononConfig config;
    private final ApplicationCandidates candidates;
    private final Instance<EffectSink> userSinks;
    private final int httpPort;
    private final NodeMetrics metrics;

    private String applicationName;
    private ChrApplication<?, ?, ?, ?> application;
    private ApplicationJson json;
    private ClusterMembers members;
    private UUID clusterId;
    private EffectJournal journal;
    private NodeDriver driver;

    @Inject
    ChrononNode(ChrononConfig config, ApplicationCandidates candidates, @Any Instance<EffectSink> userSinks,
                @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
                MeterRegistry registry) {
        this.metrics = new NodeMetrics(registry);
        this.config = config;
        this.candidates = candidates;
        this.userSinks = userSinks;
        this.httpPort = httpPort;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        String className = candidates.select(config.application());
        applicationName = candidates.classesByName().entrySet().stream()
                .filter(candidate -> candidate.getValue().equals(className)).findFirst().orElseThrow().getKey();
        application = (ChrApplication<?, ?, ?, ?>) Arc.container().instance(loadClass(className)).get();
        json = new ApplicationJson(application);
        members = ClusterMembers.from(config, httpPort);
        if (members.size() > 1) {
            throw new IllegalStateException("chronon.members lists " + members.size() + " replicas, but this build"
                    + " runs single-replica clusters only: the peer transport is not part of it yet");
        }
        Path directory = Path.of(config.dataDir()).toAbsolutePath();
        DataDirectory data = DataDirectory.open(FileDisk.open(directory, false), LogOptions.DEFAULTS,
                UUID::randomUUID, UUID::randomUUID);
        clusterId = data.manifest().state().clusterId();
        SnapshotOptions snapshots = new SnapshotOptions(config.snapshot().everyEntries(), config.snapshot().everyBytes(),
                config.history().retainEntries(), SnapshotOptions.DEFAULTS.digestsPerCheckpoint());
        EffectOptions effects = new EffectOptions(config.outbox().maxAttempts(), EffectOptions.DEFAULTS.backoffTicks(),
                EffectOptions.DEFAULTS.maxBackoffTicks(), unorderedSinks());
        ReplicaConfig replica = ReplicaConfig.defaults(clusterId, members.size(), config.nodeId());
        long seed = new SecureRandom().nextLong();
        NodeStartup.Started started = NodeStartup.start(data, new Executor<>(application, SESSION_CAPACITY, clusterId),
                replica, effects, snapshots, NodeDriver::wallClockNanos, seed, UUID::randomUUID, result -> { });
        started.notes().forEach(note -> LOG.infof("start-up: %s", note));
        journal = EffectJournal.open(directory);
        Map<String, EffectSink> sinks = sinksByName();
        Halts halts = new Halts(config.test().haltPoints().orElse(Set.of()));
        NodeStorage storage = new NodeStorage(data, application, snapshots, UUID::randomUUID, halts);
        driver = new NodeDriver(started.node(), storage, name -> sinks.getOrDefault(name, journal.sink(name)), halts,
                metrics);
        LOG.infof("Chronon node %d of cluster %s runs application '%s' (%s) from %s: applied through %d%s",
                config.nodeId(), clusterId, applicationName, className, directory,
                started.node().executor().appliedIndex(),
                started.snapshot() == null ? "" : " (snapshot " + started.snapshot().index() + ")");
    }

    synchronized void stop() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    private static Class<?> loadClass(String className) {
        try {
            return Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the ChrApplication class " + className + " is not on the class path", e);
        }
    }

    private Map<String, EffectSink> sinksByName() {
        Map<String, EffectSink> sinks = new HashMap<>();
        for (EffectSink sink : userSinks) {
            EffectSink previous = sinks.put(sink.name(), sink);
            if (previous != null) {
                throw new IllegalStateException("two effect sinks are named '" + sink.name() + "'");
            }
        }
        return sinks;
    }

    private Set<String> unorderedSinks() {
        Set<String> unordered = new HashSet<>();
        for (EffectSink sink : userSinks) {
            if (!sink.ordered()) {
                unordered.add(sink.name());
            }
        }
        return unordered;
    }

    // ---------------------------------------------------------------- what the API uses

    public String applicationName() {
        return applicationName;
    }

    public ApplicationJson json() {
        return json;
    }

    public UUID clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return config.nodeId();
    }

    public List<String> memberAddresses() {
        return members.addresses();
    }

    public CompletableFuture<NodeOutput.Answer> command(UUID client, long requestNumber, byte[] command) {
        return running().command(client, requestNumber, command);
    }

    public CompletableFuture<NodeOutput.ReadAnswer> query(byte[] query, ReadConsistency consistency) {
        return running().query(query, consistency);
    }

    public CompletableFuture<NodeOutput.ReadAnswer> queryLocal(byte[] query) {
        return running().queryLocal(query);
    }

    public CompletableFuture<List<Outbox.Pending>> outbox() {
        return running().outbox();
    }

    public CompletableFuture<NodeOutput.Answer> retryEffect(EffectId id) {
        return running().retryEffect(id);
    }

    public NodeStatus status() {
        NodeDriver current = running();
        NodeDriver.NodeState state = current.state();
        NodeStatus.Role role = switch (state.status()) {
            case NORMAL -> state.primary() ? NodeStatus.Role.PRIMARY : NodeStatus.Role.BACKUP;
            case VIEW_CHANGE -> NodeStatus.Role.VIEW_CHANGE;
            case RECOVERING -> NodeStatus.Role.RECOVERING;
        };
        Throwable crash = current.crash();
        List<NodeStatus.Member> known = new ArrayList<>();
        for (int id = 0; id < members.size(); id++) {
            // With one replica the only member is this node; peers' health arrives with the transport.
            known.add(new NodeStatus.Member(id, members.addresses().get(id), id == config.nodeId() && crash == null));
        }
        return new NodeStatus(config.nodeId(), clusterId, applicationName, role, state.view(), state.commitIndex(),
                state.appliedIndex(), state.primaryHint(), known, crash == null ? null : String.valueOf(crash.getMessage()));
    }

    /** Why the node stopped, or null while it runs. */
    public Throwable crash() {
        NodeDriver current = driver;
        return current == null ? null : current.crash();
    }

    EffectJournal journal() {
        return journal;
    }

    private NodeDriver running() {
        NodeDriver current = driver;
        if (current == null) {
            throw new IllegalStateException("the Chronon node is not running");
        }
        return current;
    }
}
